using BenchmarkDotNet.Running;

// './run bench [filter]' lands here; BenchmarkSwitcher takes BenchmarkDotNet's own arguments
// (--filter, --job, --list flat), so every suite in this assembly is reachable by name.
if (args is ["policy-side-by-side", ..]) return Pipeline.Bench.Policy.PolicySideBySide.Run(args[1..]);
if (args is ["e2e", ..]) return Pipeline.Bench.E2e.E2eCommand.Run(args[1..]);
if (args is ["binding-side-by-side", ..]) return Pipeline.Bench.Torch.BindingSideBySide.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
