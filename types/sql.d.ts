/** SQL templates are bundled as text (esbuild's text loader; a Jest transform in tests). */
declare module '*.sql' {
  const text: string;
  export default text;
}
