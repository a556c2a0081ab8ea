// Which OpenCode the doctor holds the checks against: the real 1.18.33 the tests pin (test/hosts) found on
// PATH through a link (as npm and package managers install it), its version read from its package without starting it;
// the catalog a version ships; the key check when OpenCode 2's store cannot be read.
// runs: test/hosts/ (the real OpenCode 1.18.33 binary; the test setup installs it)
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { findOpenCodeInstalls, installCheck } from "../../src/doctor/opencode-install.ts"
import { shippedCatalog } from "../../src/doctor/opencode-catalogs.ts"
import { checkKey } from "../../src/doctor/key.ts"
import { nodeFs } from "../../src/doctor/file-access.ts"
import { tempHome, type TempHome } from "../helpers.ts"
import { hostBin, hostDir } from "../hosts/hosts.ts"

let home: TempHome
beforeEach(() => {
  home = tempHome("glmq-oc-install-")
})
afterEach(() => home.cleanup())

describe("OpenCode on PATH", () => {
  it("the real 1.18.33 through two links (opencode, opencode2 → one binary): one install, its version", () => {
    const bin = join(home.dir, "bin")
    mkdirSync(bin)
    const real = hostBin(1)
    symlinkSync(real, join(bin, "opencode"))
    symlinkSync(real, join(bin, "opencode2"))
    const found = findOpenCodeInstalls({ PATH: `${join(home.dir, "empty")}:${bin}` })
    expect(found).toEqual([{ name: "opencode", path: join(bin, "opencode"), version: "1.18.33", major: 1 }])
    expect(installCheck(found)).toMatchObject({ status: "ok", found: "OpenCode 1.18.33 (opencode) on PATH" })
  })

  it("a binary that belongs to no package (installed by a script): its own --version; inside OpenCode, not asked", () => {
    // A hard link of the real binary, beside its node_modules so that it is on the same file system: no package.json
    // above.
    const bin = mkdtempSync(join(hostDir(1), "node_modules", ".glmq-bin-"))
    try {
      linkSync(join(hostDir(1), "node_modules", "opencode-ai", "bin", "opencode.exe"), join(bin, "opencode"))
      const env = { PATH: bin, HOME: home.dir, XDG_CONFIG_HOME: home.env.XDG_CONFIG_HOME! }
      expect(findOpenCodeInstalls(env)).toMatchObject([{ name: "opencode", version: "1.18.33", major: 1 }])
      const quiet = findOpenCodeInstalls(env, { ask: false })
      expect(quiet).toMatchObject([{ version: null, major: null }])
      expect(installCheck(quiet).found).toBe("an OpenCode of unknown version (opencode) on PATH")
    } finally {
      rmSync(bin, { recursive: true, force: true })
    }
  }, 20_000)

  it("nothing on PATH, or a non-executable file of that name: none", () => {
    const bin = join(home.dir, "bin")
    mkdirSync(bin)
    writeFileSync(join(bin, "opencode"), "not a program", { mode: 0o644 })
    expect(findOpenCodeInstalls({ PATH: bin })).toEqual([])
    expect(findOpenCodeInstalls({})).toEqual([])
    expect(installCheck([]).found).toBe("no opencode on PATH (the CLI works without it)")
  })
})

describe("the catalog a version ships", () => {
  it("its own; else the nearest listed one of its major below it; a major without any: null", () => {
    expect(shippedCatalog("2.2.5")!.version).toBe("2.2.5")
    expect(shippedCatalog("2.4.4")!.version).toBe("2.2.5")
    expect(shippedCatalog("1.20.0")!.version).toBe("1.18.33")
    expect(shippedCatalog("1.2.0")!.version).toBe("1.18.33") // older than any listed: the first of its major
    expect(shippedCatalog("3.0.0")).toBeNull()
    expect(shippedCatalog("2.2.5")!.providers["zai-coding-plan"]).toEqual([
      "glm-5.3",
      "glm-5.3-flash",
      "glm-5.3-highspeed",
    ])
  })
})

describe("the key check and OpenCode 2's store", () => {
  it("opencode.db that cannot be read: ✗ naming the file and what to do, no crash", () => {
    const data = join(home.env.XDG_DATA_HOME!, "opencode")
    mkdirSync(data, { recursive: true })
    writeFileSync(join(data, "opencode.db"), "SQLite format 3\u0000 then garbage")
    const k = checkKey(home.env, home.dir, nodeFs, null)
    expect(k.credentials).toBeNull()
    expect(k.check).toEqual([
      {
        id: "key",
        status: "fail",
        found: `OpenCode 2's key store ${join(data, "opencode.db")} could not be read (it is damaged or not an SQLite database)`,
        fix: "close OpenCode and run the doctor again, or set ZAI_API_KEY (ZHIPU_API_KEY for BigModel)",
      },
    ])
  })
})
