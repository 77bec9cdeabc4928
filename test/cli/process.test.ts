import { runCli } from '../support/cli-process.js';

const NO_AWS_CONFIG = { AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_EC2_METADATA_DISABLED: 'true', AWS_PROFILE: undefined };
const ATHENA_RUN = ['run', 'top-talkers', '--engine', 'athena', '--database', 'flowq', '--table', 'flow_logs', '--start', '2026-10-31', '--end', '2026-11-01'];

describe('the flowq command in a process of its own', () => {
  it('says how to set a region when none is configured, in one line with exit 1', async () => {
    const result = await runCli(ATHENA_RUN, { env: { ...NO_AWS_CONFIG, AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined } });
    expect(result).toEqual({ code: 1, signal: null, out: '', err: 'flowq: no AWS region: pass --region, or set AWS_REGION (or a region in your AWS profile)\n' });
  });
});
