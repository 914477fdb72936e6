// wgsl_reflect's "main" is a CommonJS build inside a "type": "module" package, which Node's ESM loader
// cannot import; its ES module build has no .d.ts of its own. Same API, so reuse the package's types.
declare module 'wgsl_reflect/wgsl_reflect.module.js' {
  export * from 'wgsl_reflect';
}
