// The package's version for `glm-quota --version`: put in by the build (scripts/build.mjs defines
// __GLM_QUOTA_VERSION__ from package.json's `version`), so the CLI reads no file to say it. Run from the sources
// (tsx, the in-process tests) it is not defined, and the version says so.
declare const __GLM_QUOTA_VERSION__: string | undefined

export const VERSION: string = typeof __GLM_QUOTA_VERSION__ === "string" ? __GLM_QUOTA_VERSION__ : "0.0.0-source"
