using System.CommandLine;
using Pipeline.Cli.Diagnostics;

namespace Pipeline.Cli.Commands;

public static class DoctorCommand
{
    public static Command Create()
    {
        var size = new Option<int>("--matmul-size") { Description = "Side of the square matrices timed.", DefaultValueFactory = _ => 1024 };
        var command = new Command("doctor", "Check the runtime, libtorch, BLAS, threads, CPU features and devices, and measure matmul rates.") { size };
        command.SetAction(parse =>
        {
            var findings = new Doctor(parse.GetValue(size)).Examine();
            var width = findings.Max(f => f.Name.Length);
            foreach (var finding in findings)
            {
                Console.WriteLine($"{finding.Name.PadRight(width)}  {finding.Value}");
            }

            var problems = findings.Where(f => f.Problem is not null).ToList();
            foreach (var problem in problems)
            {
                Console.Error.WriteLine($"problem: {problem.Name}: {problem.Problem}");
            }

            return problems.Count == 0 ? 0 : 1;
        });
        return command;
    }
}
