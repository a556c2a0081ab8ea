// The few runtime helpers the TUI half uses from the UI libraries the opencode binary supplies to TUI plugins
// (it resolves "@opentui/solid" and "solid-js" to its own copies; they are not dependencies of this package).
declare module "@opentui/solid" {
  /** A renderable element: "box", "text", "span", "b". */
  export function createElement(tag: string): object
  /** Inserts a child (string, element, array, or a function re-run when the signals it reads change). */
  export function insert(parent: object, child: unknown): unknown
  export function setProp(node: object, name: string, value: unknown): unknown
}

declare module "solid-js" {
  export function createSignal<T>(value: T): [() => T, (value: T) => T]
}
