// Headless Chromium for tests that run a web app in a real browser: Debian's package (`apt-get install
// chromium`, which .ci/run does when it is missing) driven by playwright-core, so no browser download.
// CHROMIUM_PATH names another Chromium binary. Outside CI a missing Chromium skips those tests with
// `browserSkipReason`; with CI set (and not "false" or "0") it is a failure.
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

const inCi = Boolean(process.env.CI) && !['0', 'false'].includes(process.env.CI!.toLowerCase())

/** Why browser tests cannot run here, or null when they run (always null under CI: there it must run). */
export const browserSkipReason: string | null =
  existsSync(chromiumPath) || inCi
    ? null
    : `Chromium is not installed (${chromiumPath} missing): browser test skipped. Install it with 'apt-get install chromium' or set CHROMIUM_PATH; with CI set this is a failure.`

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) throw new Error(`Chromium is required (CI is set) but ${chromiumPath} is missing: apt-get install chromium, or set CHROMIUM_PATH`)
  return await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  })
}
