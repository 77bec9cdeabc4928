// Loaded with `node --import`: reports the process's peak resident memory on stderr at exit.
process.on('exit', () => process.stderr.write(`\nmax-rss ${process.resourceUsage().maxRSS * 1024}\n`));
