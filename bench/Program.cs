using BenchmarkDotNet.Running;
using Pipeline.Bench.Shared;

// './run bench [filter]' lands here; BenchmarkSwitcher takes BenchmarkDotNet's own arguments
// (--filter, --job, --list flat), so every suite in this assembly is reachable by name.
// --save also writes each suite's report to bench/results/<Suite>.md (see bench/README.md).
if (args is ["e2e", ..]) return Pipeline.Bench.E2e.E2eCommand.Run(args[1..]);
if (args is ["policy-side-by-side", ..]) return Pipeline.Bench.Policy.PolicySideBySide.Run(args[1..]);
if (args is ["binding-side-by-side", ..]) return Pipeline.Bench.Torch.BindingSideBySide.Run(args[1..]);
if (args is ["train-side-by-side", ..]) return Pipeline.Bench.Training.TrainSideBySide.Run(args[1..]);
var save = args.Contains(ResultsWriter.Flag);
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. args.Where(a => a != ResultsWriter.Flag)]);
if (save) ResultsWriter.Write(summaries, Path.Combine(Pipeline.Bench.E2e.E2eCommand.RepoRoot(), "bench", "results"));
return 0;
