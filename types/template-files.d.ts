/** The text of every queries/*.sql file, by file name without `.sql`: made when the code is bundled (deploy/template-files.cjs), and by Jest. */
declare module 'virtual:template-files' {
  const files: Readonly<Record<string, string>>;
  export default files;
}
