// Quiet, deterministic tests: no SDK Node-version warning, no Powertools log lines, no real AWS credentials.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT';
process.env.AWS_REGION = process.env.AWS_REGION ?? 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
// The local engine's cache of verified gzip files lives apart from the user's, one per test worker.
process.env.FLOWQ_CACHE_DIR = require('node:path').join(process.env.FLOWQ_TEST_ROOT ?? require('node:os').tmpdir(), `flowq-test-cache-${process.pid}`);
