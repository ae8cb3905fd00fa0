using BenchmarkDotNet.Running;

// './run bench [filter]' lands here; BenchmarkSwitcher takes BenchmarkDotNet's own arguments
// (--filter, --job, --list flat), so every suite in this assembly is reachable by name.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
