using System.CommandLine;
using System.Runtime.InteropServices;
using Pipeline.Cli.Configuration;
using Pipeline.Cli.Training;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline train --config FILE [--resume] [--set key=value ...]</c>. Exit codes: 0 done, 1 the
/// run failed, 2 bad config, 130 stopped by SIGINT, 143 stopped by SIGTERM (after a checkpoint).
/// </summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "The run config (JSON with comments; see configs/tiny_arithmetic.json).", Required = true };
        var resume = new Option<bool>("--resume") { Description = "Continue the run from its newest complete checkpoint." };
        var set = new Option<string[]>("--set") { Description = "Override a config value by dotted key, e.g. --set training.steps=5 (repeatable).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("train", "Train a policy with the dataflow graph; writes runs/<name>/.") { config, resume, set };
        command.SetAction(parse => Run(parse.GetValue(config)!.FullName, parse.GetValue(resume), parse.GetValue(set) ?? []));
        return command;
    }

    public static int Run(string configPath, bool resume, IReadOnlyList<string> overrides)
    {
        RunConfig config;
        try
        {
            config = RunConfigLoader.Load(configPath, overrides);
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine($"train: {e.Message}");
            return 2;
        }

        using var stop = new CancellationTokenSource();
        int signalExit = 0;
        void OnSignal(PosixSignalContext context, int code)
        {
            // Keep the process alive: the graph finishes or abandons the step, checkpoints and returns.
            context.Cancel = true;
            if (Interlocked.CompareExchange(ref signalExit, code, 0) == 0)
            {
                Console.WriteLine($"train: {context.Signal} received; finishing the current step and checkpointing.");
                stop.Cancel();
            }
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => OnSignal(c, 130));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => OnSignal(c, 143));
        try
        {
            using var progress = ProgressReporters.ForConsole(config.Training.Steps);
            using var run = TrainingRun.Open(config, resume, progress);
            progress.Note($"train: run {run.RunId} in {run.Directory}, steps {run.StartStep + 1}..{config.Training.Steps}, mode {config.Training.Mode}, model {config.Model.Type}");
            var result = TrainingGraph.RunAsync(config, run.Parts(), stop.Token).GetAwaiter().GetResult();
            if (result.End == GraphEnd.Stopped)
            {
                progress.Note($"train: stopped; newest checkpoint is step {result.LastStep}. Continue with --resume.");
                return signalExit == 0 ? 130 : signalExit;
            }

            progress.Note($"train: done, {result.LastStep} steps, {result.Counters.RolloutsLogged} rollouts logged.");
            return 0;
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine($"train: {e.Message}");
            return 2;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"train: the run failed: {e.GetType().Name}: {e.Message}");
            Console.Error.WriteLine(e.StackTrace);
            return 1;
        }
    }
}
