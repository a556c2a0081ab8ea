// `glm-quota --version` prints package.json's version, written into the bundle by the build: the installed bin reads
// no file to say it, and no request is made (no key, no network in this environment).
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { ROOT, runCli, runCliHere, tempHome } from "../helpers.ts"

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }

describe("--version", () => {
  it("the built bin prints package.json's version and exits 0, with -v too", async () => {
    const home = tempHome("glmq-version-")
    try {
      for (const flag of ["--version", "-v"]) {
        const r = await runCli([flag], home.env)
        expect(r.stderr).toBe("")
        expect(r.code).toBe(0)
        expect(r.stdout).toBe(`${pkg.version}\n`)
      }
    } finally {
      home.cleanup()
    }
  })

  it("the help lists it", async () => {
    const r = await runCliHere(["--help"], {})
    expect(r.stdout).toMatch(/^ {2}-v, --version {6}the version of glm-quota$/m)
  })
})
