"""Programs beside the tests: ``dumpgen`` writes dumps in the site's format (for tests and the
benchmarks), and ``fuzz_build`` fuzzes the parser and the whole build for longer than the suite does."""
