import { test } from "vitest"
import { spawnSync } from "node:child_process"
import { join } from "node:path"
import { execFileSync } from "node:child_process"
import { writeFileSync, mkdirSync, rmSync } from "node:fs"
import { makeIsolated } from "../isolation.ts"
import { startMockModel } from "../mock-model.ts"
import { OPENCODE_BIN } from "../opencode.ts"
import { FIXTURES_DIR, REPO_ROOT, sleep } from "../util.ts"
import { readTrace } from "./common.ts"

const OUT = join(REPO_ROOT, ".tmp/probes/tui")
const T = (...a: string[]) => execFileSync("tmux", ["-L", "glmprobe", ...a], { encoding: "utf8" })
const q = (s: string) => "'" + s.replace(/'/g, "'\\''") + "'"

const hasTmux = spawnSync("tmux", ["-V"]).status === 0

test.skipIf(!hasTmux)("tui", { timeout: 240000 }, async () => {
  mkdirSync(OUT, { recursive: true })
  const mock = await startMockModel({ script: () => ({ text: "MOCK-ANSWER-TEXT" }) })
  const traceFile = join(OUT, "tui-trace.jsonl")
  rmSync(traceFile, { force: true })
  const iso = await makeIsolated({
    pluginSpec: join(FIXTURES_DIR, "probe-plugin.ts"),
    pluginOptions: { marker: "tui" },
    mock,
    tuiConfig: { plugin: [[join(FIXTURES_DIR, "tui-probe.ts"), { traceFile }]] },
    extraConfig: JSON.parse(process.env.EXTRA ?? "{}"),
  })
  const env = { ...iso.env, TERM: "xterm-256color", COLORTERM: "truecolor" }
  const cmd = `cd ${q(iso.dir)} && exec env -i ${Object.entries(env)
    .map(([k, v]) => `${k}=${q(v)}`)
    .join(" ")} ${q(OPENCODE_BIN)} --print-logs --log-level INFO 2>${q(join(OUT, "tui-stderr.log"))}`
  let n = 0
  const cap = async (label: string, wait = 0) => {
    if (wait) await sleep(wait)
    const txt = T("capture-pane", "-p", "-t", "p")
    writeFileSync(join(OUT, `${String(++n).padStart(2, "0")}-${label}.txt`), txt)
    return txt
  }
  T("new-session", "-d", "-s", "p", "-x", "160", "-y", "45", cmd)
  const panePid = Number(T("display", "-p", "-t", "p", "#{pane_pid}").trim())
  try {
    const t0 = Date.now()
    for (let i = 0; i < 60; i++) {
      const s = T("capture-pane", "-p", "-t", "p")
      if (/Ask anything|ctrl\+p|tab/i.test(s)) break
      await sleep(500)
    }
    console.log("tui ready after", Date.now() - t0)
    await cap("start", 1500)
    T("send-keys", "-t", "p", "-l", "/pro")
    await cap("typed-slash-pro", 1500)
    T("send-keys", "-t", "p", "-l", "be")
    await cap("typed-slash-probe", 1000)
    T("send-keys", "-t", "p", "Enter")
    await cap("after-enter-1", 1200)
    T("send-keys", "-t", "p", "Enter")
    await cap("after-enter-2", 5000)
    console.log("mock calls after /probe", mock.calls)
    T("send-keys", "-t", "p", "-l", "/tui-pro")
    await cap("typed-tui-probe", 1500)
    T("send-keys", "-t", "p", "Enter")
    await cap("tui-probe-enter-1", 1500)
    T("send-keys", "-t", "p", "Enter")
    await cap("tui-probe-enter-2", 2500)
    T("send-keys", "-t", "p", "-l", "hello there")
    T("send-keys", "-t", "p", "Enter")
    await cap("after-prompt", 6000)
    T("send-keys", "-t", "p", "C-y")
    await cap("after-ctrl-y", 2000)
    T("send-keys", "-t", "p", "C-p")
    await cap("palette", 1500)
    T("send-keys", "-t", "p", "-l", "probe")
    await cap("palette-filter-probe", 1500)
    T("send-keys", "-t", "p", "Escape")
    console.log(
      "mock calls end",
      mock.calls,
      mock.requests.map((r) => r.model + (r.isTitle ? "(title)" : "")),
    )
    console.log("trace", JSON.stringify(readTrace(traceFile).map((t) => ({ ...t, at: undefined }))))
  } finally {
    try {
      T("kill-server")
    } catch {}
    await sleep(1000)
    try {
      process.kill(-panePid, "SIGKILL")
    } catch {}
    try {
      process.kill(panePid, "SIGKILL")
    } catch {}
    await mock.close()
    rmSync(iso.root, { recursive: true, force: true })
  }
})
