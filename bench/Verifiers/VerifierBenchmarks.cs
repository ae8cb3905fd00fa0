using BenchmarkDotNet.Attributes;
using Pipeline.Data.Problems;
using Pipeline.Data.Tasks;
using Pipeline.Data.Verifiers;

namespace Pipeline.Bench.Verifiers;

/// <summary>
/// Throughput of each verifier on one core over a fixed corpus of realistic completions
/// (reference solutions of the built-in tasks plus wrong and differently-formatted answers).
/// One operation = one check; checks per second = 1e9 / Mean(ns).
/// </summary>
[MemoryDiagnoser]
public class VerifierBenchmarks
{
    private const int Corpus = 256;
    private VerifyInput[] _math = [];
    private VerifyInput[] _countdown = [];
    private VerifyInput[] _strings = [];
    private IVerifier _mathVerifier = null!;
    private IVerifier _exact = null!;
    private IVerifier _countdownVerifier = null!;
    private IVerifier _format = null!;
    private IVerifier _overlong = null!;
    private IVerifier _lengthPenalty = null!;
    private IVerifier _composite = null!;

    [GlobalSetup]
    public void Setup()
    {
        var registry = VerifierRegistry.CreateDefault();
        _mathVerifier = registry.Create("math");
        _exact = registry.Create("exact");
        _countdownVerifier = registry.Create("countdown");
        _format = registry.Create("format");
        _overlong = registry.Create("overlong");
        _lengthPenalty = registry.Create("length_penalty");
        _composite = registry.CreateComposite("reward", [("answer", 1.0), ("format", 0.1), ("overlong", 1.0)]);

        var tasks = TaskRegistry.CreateDefault();
        _math = MathCorpus(ProblemGenerator.Generate(tasks.Get("arithmetic"), new TaskOptions { Difficulty = 4, Seed = 1 }, ProblemSplit.Train, Corpus));
        _countdown = Inputs(ProblemGenerator.Generate(tasks.Get("countdown"), new TaskOptions { Difficulty = 4, Seed = 1 }, ProblemSplit.Train, Corpus));
        _strings = Inputs(ProblemGenerator.Generate(tasks.Get("string_functions"), new TaskOptions { Difficulty = 4, Seed = 1 }, ProblemSplit.Train, Corpus));
    }

    private static VerifyInput[] Inputs(IReadOnlyList<Problem> problems) =>
        problems.Select((p, i) => new VerifyInput(p, i % 4 == 3 ? p.Solution!.Replace(p.Answer, p.Answer + "1") : p.Solution!)).ToArray();

    // Math answers in the shapes models write them: boxed LaTeX, answer tags, prose, a bare last number.
    private static VerifyInput[] MathCorpus(IReadOnlyList<Problem> problems)
    {
        const string Reasoning = "Let me work through this carefully. First I line up the digits by place value and carry where needed; " +
                                 "then I apply the next operation to the intermediate result and double-check each partial product. ";
        return problems.Select((p, i) =>
        {
            var answer = long.TryParse(p.Answer, out var v) && i % 5 == 0 ? v.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : p.Answer;
            if (i % 4 == 3)
                answer += "1";
            var completion = (i % 4) switch
            {
                0 => $"<think>{Reasoning}</think><answer>{answer}</answer>",
                1 => $"{Reasoning}So the result is $\\boxed{{{answer}}}$.",
                2 => $"{Reasoning}Therefore the final answer is {answer}.",
                _ => $"{Reasoning}After all of that I get {answer}",
            };
            return new VerifyInput(p, completion);
        }).ToArray();
    }

    private static double Run(IVerifier v, VerifyInput[] inputs)
    {
        var sum = 0.0;
        foreach (var input in inputs)
            sum += v.Verify(input).Score;
        return sum;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Corpus)]
    public double Math() => Run(_mathVerifier, _math);

    [Benchmark(OperationsPerInvoke = Corpus)]
    public double Exact() => Run(_exact, _strings);

    [Benchmark(OperationsPerInvoke = Corpus)]
    public double Countdown() => Run(_countdownVerifier, _countdown);

    [Benchmark(OperationsPerInvoke = Corpus)]
    public double Format() => Run(_format, _math);

    [Benchmark(OperationsPerInvoke = Corpus)]
    public double Overlong() => Run(_overlong, _math);

    [Benchmark(OperationsPerInvoke = Corpus)]
    public double LengthPenalty() => Run(_lengthPenalty, _math);

    [Benchmark(OperationsPerInvoke = Corpus)]
    public double CompositeAnswerFormatOverlong() => Run(_composite, _countdown);
}
