// Loaded with `node --import`: reports the process's peak resident memory and CPU time on stderr at exit.
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`\nmax-rss ${usage.maxRSS * 1024}\ncpu-us ${usage.userCPUTime + usage.systemCPUTime}\n`);
});
