// Key discovery from OpenCode's auth.json: the "glm" id other monitors use is found, and never beats a provider id.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { findCredentials } from "../../src/zai/credentials.ts"

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** An XDG_DATA_HOME whose opencode/auth.json holds `auth`. */
function dataHome(auth: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "glmq-cred-"))
  dirs.push(dir)
  mkdirSync(join(dir, "opencode"), { recursive: true })
  writeFileSync(join(dir, "opencode", "auth.json"), JSON.stringify(auth))
  return dir
}

describe("findCredentials and auth.json", () => {
  it('an auth.json with only "glm" is found, as an international key', () => {
    const dir = dataHome({ glm: { type: "api", key: "k" } })
    expect(findCredentials({ env: { XDG_DATA_HOME: dir }, home: dir })).toEqual({
      key: "k",
      region: "international",
      source: "auth.json (glm)",
    })
  })

  it('"glm" comes after every OpenCode provider id, China ones included', () => {
    const dir = dataHome({ glm: { type: "api", key: "from-glm" }, zhipuai: { type: "api", key: "from-zhipuai" } })
    expect(findCredentials({ env: { XDG_DATA_HOME: dir }, home: dir })).toMatchObject({
      key: "from-zhipuai",
      region: "china",
    })
  })

  it('"glm" is not a China key', () => {
    const dir = dataHome({ glm: { type: "api", key: "k" } })
    expect(findCredentials({ env: { XDG_DATA_HOME: dir }, home: dir, region: "china" })).toBeNull()
  })

  it("the environment still wins over auth.json", () => {
    const dir = dataHome({ glm: { type: "api", key: "k" } })
    expect(findCredentials({ env: { XDG_DATA_HOME: dir, ZAI_API_KEY: "env-key" }, home: dir })).toMatchObject({
      key: "env-key",
      source: "ZAI_API_KEY",
    })
  })
})
