// The demo's last 24 hours of model and tool usage (`--full`): a plausible working day, hour by hour. Pure.

function hourly(nowMs: number): string[] {
  const hours: string[] = []
  const bj = nowMs + 8 * 3600_000
  const top = bj - (bj % 3600_000)
  for (let i = 23; i >= 0; i--) {
    const d = new Date(top - i * 3600_000)
    hours.push(d.toISOString().slice(0, 13).replace("T", " ") + ":00")
  }
  return hours
}

/** A plausible working day: quiet at night, busy in the afternoon, the current hour partial. */
function dayCurve(hours: string[], scale: number): (number | null)[] {
  return hours.map((h, i) => {
    const hour = Number(h.slice(11, 13))
    const busy = hour >= 9 && hour <= 22 ? 1 : 0.05
    const v = Math.round(scale * busy * (0.6 + 0.4 * Math.sin(hour / 3)))
    return i === hours.length - 1 ? Math.round(v / 2) : hour >= 2 && hour <= 6 ? null : v
  })
}

export function modelUsageData(nowMs: number): Record<string, unknown> {
  const x_time = hourly(nowMs)
  const calls = dayCurve(x_time, 40)
  const tokens = calls.map((c) => (c === null ? null : c * 21_500))
  const total = (xs: (number | null)[]) => xs.reduce<number>((a, b) => a + (b ?? 0), 0)
  return {
    x_time,
    modelCallCount: calls,
    tokensUsage: tokens,
    totalUsage: { totalModelCallCount: total(calls), totalTokensUsage: total(tokens) },
  }
}

export function toolUsageData(nowMs: number): Record<string, unknown> {
  const x_time = hourly(nowMs)
  const search = dayCurve(x_time, 3)
  const reader = dayCurve(x_time, 2)
  const zread = x_time.map((_, i) => (i % 5 === 0 ? 1 : 0))
  const total = (xs: (number | null)[]) => xs.reduce<number>((a, b) => a + (b ?? 0), 0)
  return {
    x_time,
    networkSearchCount: search,
    webReadMcpCount: reader,
    zreadMcpCount: zread,
    totalUsage: {
      totalNetworkSearchCount: total(search),
      totalWebReadMcpCount: total(reader),
      totalZreadMcpCount: total(zread),
    },
  }
}
