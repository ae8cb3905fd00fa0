using System.Numerics;
using Pipeline.Data.Problems;
using Pipeline.Data.Tasks;
using Pipeline.Data.Verifiers;

namespace Pipeline.Tests.Data.Tasks;

public class TaskTests
{
    private static readonly TaskRegistry Tasks = TaskRegistry.CreateDefault();
    private static readonly VerifierRegistry Verifiers = VerifierRegistry.CreateDefault();

    public static TheoryData<string> TaskNames() => [.. TaskRegistry.CreateDefault().Names];

    [Fact]
    public void RegistryListsNamesAndRejectsUnknownOnes()
    {
        Assert.Equal(new[] { "addition", "arithmetic", "countdown", "string_functions" }, Tasks.Names);
        var e = Assert.Throws<ArgumentException>(() => Tasks.Get("sudoku"));
        Assert.Contains("valid names: addition, arithmetic, countdown, string_functions", e.Message);
    }

    [Theory]
    [MemberData(nameof(TaskNames))]
    public void ReferenceSolutionsPassTheirVerifierAndTheFormatCheck(string name)
    {
        var task = Tasks.Get(name);
        var verifier = Verifiers.Create(task.VerifierName);
        var format = Verifiers.Create("format");
        var answer = Verifiers.Create("answer");
        for (var d = 1; d <= task.MaxDifficulty; d++)
        {
            foreach (var p in ProblemGenerator.Generate(task, new TaskOptions { Difficulty = d, Seed = 7 }, ProblemSplit.Train, 15))
            {
                Assert.NotNull(p.Solution);
                var input = new VerifyInput(p, p.Solution);
                var r = verifier.Verify(input);
                Assert.True(r.Score == 1.0, $"{p.Id} d={d}: {r.Reason}\n{p.Solution}");
                Assert.Equal(1.0, format.Verify(input).Score);
                Assert.Equal(1.0, answer.Verify(input).Score);
                Assert.Equal(name, p.Task);
                Assert.Equal(d, p.Difficulty);
                Assert.Equal(3, p.Hints.Count);
                Assert.Equal(3, p.Hints.Distinct().Count());
                Assert.StartsWith(name + "-", p.Id);
                Assert.Contains("<answer>", p.Prompt);
                // A wrong answer must fail: the verifier is not a constant.
                var wrong = p.Solution[..p.Solution.IndexOf("<answer>", StringComparison.Ordinal)] + "<answer>0 + 0</answer>";
                Assert.True(verifier.Verify(new VerifyInput(p, wrong)).Score < 1.0);
            }
        }
    }

    [Theory]
    [MemberData(nameof(TaskNames))]
    public void TersePromptsAskTheSameQuestionInFewerCharacters(string name)
    {
        var task = Tasks.Get(name);
        foreach (var d in new[] { 1, 5 })
        {
            var full = ProblemGenerator.Generate(task, new TaskOptions { Difficulty = d, Seed = 3 }, ProblemSplit.Train, 30);
            var terse = ProblemGenerator.Generate(task, new TaskOptions { Difficulty = d, Seed = 3, PromptStyle = PromptStyle.Terse }, ProblemSplit.Train, 30);
            Assert.Equal(full.Select(p => (p.Id, p.Answer, p.Solution)), terse.Select(p => (p.Id, p.Answer, p.Solution)));
            for (int i = 0; i < full.Count; i++)
            {
                Assert.DoesNotContain("<answer>", terse[i].Prompt);
                Assert.True(terse[i].Prompt.Length * 2 < full[i].Prompt.Length, $"{terse[i].Prompt} | {full[i].Prompt}");
            }
        }

        var sample = ProblemGenerator.Generate(task, new TaskOptions { Difficulty = 1, Seed = 3, PromptStyle = PromptStyle.Terse }, ProblemSplit.Train, 1)[0];
        var expected = name switch
        {
            "countdown" => "^Make [0-9]+ from \\[[0-9, ]+\\]\\.$",
            "string_functions" => "^What is [a-z_]+\\(\"[a-z]+\"\\)\\?$",
            _ => "^Compute [0-9]+ [+*] [0-9]+\\.$",
        };
        Assert.Matches(expected, sample.Prompt);
    }

    [Theory]
    [MemberData(nameof(TaskNames))]
    public void GenerationIsDeterministicAndSeeded(string name)
    {
        var task = Tasks.Get(name);
        var a = ProblemGenerator.Generate(task, new TaskOptions { Difficulty = 5, Seed = 1 }, ProblemSplit.Train, 20);
        var b = ProblemGenerator.Generate(task, new TaskOptions { Difficulty = 5, Seed = 1 }, ProblemSplit.Train, 20);
        var c = ProblemGenerator.Generate(task, new TaskOptions { Difficulty = 5, Seed = 2 }, ProblemSplit.Train, 20);
        Assert.Equal(a.Select(p => p.Prompt), b.Select(p => p.Prompt));
        Assert.Equal(a.Select(p => p.Id), b.Select(p => p.Id));
        Assert.NotEqual(a.Select(p => p.Id), c.Select(p => p.Id));
        Assert.Equal(20, a.Select(p => p.Id).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(TaskNames))]
    public void HeldOutSplitIsDisjointFromTrainingAcrossSeeds(string name)
    {
        var task = Tasks.Get(name);
        var held = ProblemGenerator.Generate(task, new TaskOptions { Difficulty = 2, Seed = 1, HeldOutFraction = 0.2 }, ProblemSplit.HeldOut, 40);
        var train = ProblemGenerator.Generate(task, new TaskOptions { Difficulty = 2, Seed = 99, HeldOutFraction = 0.2 }, ProblemSplit.Train, 400);
        Assert.Empty(held.Select(p => p.Id).Intersect(train.Select(p => p.Id)));
        Assert.Empty(held.Select(p => p.Prompt).Intersect(train.Select(p => p.Prompt)));
        Assert.All(held, p => Assert.Equal(ProblemSplit.HeldOut, ProblemSplitter.Assign(p.Id, 0.2)));
    }

    [Fact]
    public void ExhaustedSplitGivesAClearError()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            ProblemGenerator.Generate(Tasks.Get("arithmetic"), new TaskOptions { HeldOutFraction = 0, MaxDrawsPerProblem = 2 }, ProblemSplit.HeldOut, 5));
        Assert.Contains("task 'arithmetic' at difficulty 1 gave only 0 distinct HeldOut problems", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            ProblemGenerator.Generate(Tasks.Get("arithmetic"), new TaskOptions { Difficulty = 11 }, ProblemSplit.Train, 1));
    }

    [Fact]
    public void ArithmeticAnswersMatchAnIndependentEvaluator()
    {
        var task = Tasks.Get("arithmetic");
        for (var d = 1; d <= 10; d++)
        {
            foreach (var p in ProblemGenerator.Generate(task, new TaskOptions { Difficulty = d, Seed = 3 }, ProblemSplit.Train, 10))
            {
                var expression = p.Metadata["expression"];
                Assert.Equal(EvaluateLeftToRight(expression), BigInteger.Parse(p.Answer));
                Assert.Equal(ArithmeticTask.Operations(d), expression.Count(c => c is '+' or '*' || c == '-'));
                Assert.All(expression.Split(' ', '(', ')').Where(t => t.Length > 0 && char.IsDigit(t[0])),
                    t => Assert.InRange(t.Length, Math.Max(1, d), d + 1));
            }
        }
    }

    [Fact]
    public void AdditionIsArithmeticWithPlusOnly()
    {
        var task = Tasks.Get("addition");
        for (var d = 1; d <= 10; d++)
        {
            foreach (var p in ProblemGenerator.Generate(task, new TaskOptions { Difficulty = d, Seed = 5 }, ProblemSplit.Train, 10))
            {
                var expression = p.Metadata["expression"];
                Assert.Equal("addition", p.Task);
                Assert.Equal(EvaluateLeftToRight(expression), BigInteger.Parse(p.Answer));
                Assert.Equal(ArithmeticTask.Operations(d), expression.Count(c => c == '+'));
                Assert.DoesNotContain('*', expression);
                Assert.DoesNotContain(" - ", expression);
            }
        }
    }

    [Fact]
    public void AdditionWorksColumnByColumnBeforeTheSum()
    {
        Assert.Equal(["7 + 8 = 15", "4 + 3 + 1 = 8"], ArithmeticTask.Columns(47, 38));
        Assert.Equal(["5 + 8 = 13", "0 + 9 + 1 = 10"], ArithmeticTask.Columns(5, 98));
        var task = Tasks.Get("addition");
        foreach (var d in new[] { 1, 3 })
        {
            foreach (var p in ProblemGenerator.Generate(task, new TaskOptions { Difficulty = d, Seed = 9 }, ProblemSplit.Train, 50))
            {
                var solution = p.Solution!;
                var think = solution[(solution.IndexOf("<think>\n", StringComparison.Ordinal) + 8)..solution.IndexOf("\n</think>", StringComparison.Ordinal)].Split('\n');
                var sum = think[^1].Split(' ');
                Assert.Equal(p.Metadata["expression"] + " = " + p.Answer, think[^1]);
                // Replays the working digit by digit: each column adds the operands' digits from the right and the carry, and the units spell the answer.
                var (a, b) = (sum[0], sum[2]);
                Assert.Equal(Math.Max(a.Length, b.Length), think.Length - 1);
                var spelled = "";
                var carry = 0;
                for (int k = 0; k < think.Length - 1; k++)
                {
                    var x = k < a.Length ? a[^(k + 1)] - '0' : 0;
                    var y = k < b.Length ? b[^(k + 1)] - '0' : 0;
                    var total = x + y + carry;
                    Assert.Equal(carry > 0 ? $"{x} + {y} + {carry} = {total}" : $"{x} + {y} = {total}", think[k]);
                    spelled = (total % 10) + spelled;
                    carry = total / 10;
                }
                Assert.Equal(p.Answer, (carry > 0 ? "1" : "") + spelled);
            }
        }
    }

    // Reference: strip the parentheses (chains are left-associative by construction) and fold.
    private static BigInteger EvaluateLeftToRight(string expression)
    {
        var tokens = expression.Replace("(", "").Replace(")", "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var value = BigInteger.Parse(tokens[0]);
        for (var i = 1; i < tokens.Length; i += 2)
        {
            var x = BigInteger.Parse(tokens[i + 1]);
            value = tokens[i] switch { "+" => value + x, "-" => value - x, _ => value * x };
        }
        return value;
    }

    [Fact]
    public void CountdownSolutionsUseEveryNumberExactlyOnce()
    {
        var exact = new CountdownVerifier(new CountdownOptions { RequireAllNumbers = true });
        var task = Tasks.Get("countdown");
        for (var d = 1; d <= 10; d++)
        {
            foreach (var p in ProblemGenerator.Generate(task, new TaskOptions { Difficulty = d, Seed = 5 }, ProblemSplit.Train, 10))
            {
                Assert.Equal(CountdownTask.NumberCount(d), p.Metadata["numbers"].Split(',').Length);
                Assert.True(exact.Verify(new VerifyInput(p, $"<answer>{p.Answer}</answer>")).Score == 1.0, p.Answer);
                Assert.InRange(long.Parse(p.Metadata["target"]), 1, 1000);
            }
        }
    }

    [Theory]
    [InlineData("reverse", "abc", "cba")]
    [InlineData("sort", "cab", "abc")]
    [InlineData("upper", "abc", "ABC")]
    [InlineData("swapcase", "aBc", "AbC")]
    [InlineData("rotate", "abc", "bca")]
    [InlineData("double", "ab", "aabb")]
    [InlineData("dedupe", "abcabd", "abcd")]
    [InlineData("drop_vowels", "abeCIu", "bC")]
    [InlineData("shift", "azZ", "baA")]
    [InlineData("evens", "abcde", "ace")]
    public void StringFunctionsDoWhatTheirDefinitionsSay(string name, string input, string output) =>
        Assert.Equal(output, StringFunction.All.Single(f => f.Name == name).Apply(input));

    [Fact]
    public void DifficultyKnobScalesTheProblems()
    {
        int Size(string task, int d, Func<Problem, int> measure) =>
            ProblemGenerator.Generate(Tasks.Get(task), new TaskOptions { Difficulty = d }, ProblemSplit.Train, 10).Max(measure);
        Assert.True(Size("arithmetic", 9, p => p.Answer.Length) > Size("arithmetic", 1, p => p.Answer.Length));
        Assert.True(Size("countdown", 9, p => p.Metadata["numbers"].Length) > Size("countdown", 1, p => p.Metadata["numbers"].Length));
        Assert.True(Size("string_functions", 9, p => p.Metadata["functions"].Length) > Size("string_functions", 1, p => p.Metadata["functions"].Length));
    }
}
