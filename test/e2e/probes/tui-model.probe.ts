import { test } from "vitest"
import { spawnSync } from "node:child_process"
import { join } from "node:path"
import { execFileSync } from "node:child_process"
import { writeFileSync, rmSync, mkdirSync } from "node:fs"
import { makeIsolated } from "../isolation.ts"
import { startMockModel } from "../mock-model.ts"
import { OPENCODE_BIN } from "../opencode.ts"
import { REPO_ROOT, sleep } from "../util.ts"
import { FP, zaiConfig, readTrace, models } from "./common.ts"

const OUT = join(REPO_ROOT, ".tmp/probes/tui-model")
const T = (...a: string[]) => execFileSync("tmux", ["-L", "glmprobe2", ...a], { encoding: "utf8" })
const q = (s: string) => "'" + s.replace(/'/g, "'\\''") + "'"

const hasTmux = spawnSync("tmux", ["-V"]).status === 0

test.skipIf(!hasTmux)("tui-model", { timeout: 240000 }, async () => {
  rmSync(OUT, { recursive: true, force: true })
  mkdirSync(OUT, { recursive: true })
  const mock = await startMockModel({
    models: ["glm-5", "glm-4.7", "mock-model"],
    script: () => ({ text: "MOCK-ANSWER-TEXT" }),
  })
  const traceFile = join(OUT, "trace.jsonl")
  const opts = JSON.parse(process.env.OPTS ?? "{}")
  const iso = await makeIsolated({
    pluginSpec: FP,
    pluginOptions: { traceFile, commandMode: "sentinel", ...opts },
    mock,
    extraConfig: zaiConfig(mock),
  })
  const env = { ...iso.env, TERM: "xterm-256color", COLORTERM: "truecolor" }
  const cmd = `cd ${q(iso.dir)} && exec env -i ${Object.entries(env)
    .map(([k, v]) => `${k}=${q(v)}`)
    .join(" ")} ${q(OPENCODE_BIN)} --print-logs 2>${q(join(OUT, "stderr.log"))}`
  let n = 0
  const cap = async (label: string, wait = 0) => {
    if (wait) await sleep(wait)
    writeFileSync(join(OUT, `${String(++n).padStart(2, "0")}-${label}.txt`), T("capture-pane", "-p", "-t", "p"))
  }
  T("new-session", "-d", "-s", "p", "-x", "160", "-y", "45", cmd)
  const panePid = Number(T("display", "-p", "-t", "p", "#{pane_pid}").trim())
  try {
    for (let i = 0; i < 60; i++) {
      if (/Ask anything/i.test(T("capture-pane", "-p", "-t", "p"))) break
      await sleep(500)
    }
    await cap("start", 1500)
    T("send-keys", "-t", "p", "-l", "/probe")
    await cap("typed", 1500)
    T("send-keys", "-t", "p", "Enter")
    await cap("enter1", 800)
    T("send-keys", "-t", "p", "Enter")
    for (const w of [200, 300, 500, 500, 1000, 1500, 2000]) await cap("after", w)
    T("send-keys", "-t", "p", "-l", "hello there")
    T("send-keys", "-t", "p", "Enter")
    await cap("prompt", 5000)
    console.log(
      "RESULT " +
        JSON.stringify({
          mock: models(mock),
          trace: readTrace(traceFile)
            .filter((t) => t.kind === "chat.message")
            .map((t) => t.inputModel),
        }),
    )
  } finally {
    try {
      T("kill-server")
    } catch {}
    await sleep(1000)
    try {
      process.kill(-panePid, "SIGKILL")
    } catch {}
    await mock.close()
    rmSync(iso.root, { recursive: true, force: true })
  }
})
