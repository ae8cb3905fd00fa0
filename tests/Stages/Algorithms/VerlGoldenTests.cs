using System.Text.Json;
using Pipeline.Model.Torch;
using Pipeline.Stages.Algorithms.Advantages;
using Pipeline.Stages.Algorithms.Kl;
using Pipeline.Stages.Algorithms.Losses;
using Pipeline.Tests.Stages.Algorithms.Reference;
using Pipeline.Tests.TestSupport;

namespace Pipeline.Tests.Stages.Algorithms;

/// <summary>
/// Every case of tests/golden/verl-algorithms.jsonl (computed by verl's core_algos.py under
/// PyTorch): advantages, policy losses with their gradients and clip fractions, KL values and
/// gradients. Tolerance: 1e-5 absolute plus 1e-4 relative, as the golden README sets. Adding
/// lines to the file adds cases.
/// </summary>
public class VerlGoldenTests
{
    private const double Atol = 1e-5;
    private const double Rtol = 1e-4;

    private static readonly Lazy<string[]> Lines = new(() =>
        [.. File.ReadAllLines(RepoPaths.TestData("golden", "verl-algorithms.jsonl")).Where(l => l.Trim().Length > 0)]);

    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        for (var i = 0; i < Lines.Value.Length; i++)
        {
            using var doc = JsonDocument.Parse(Lines.Value[i]);
            var root = doc.RootElement;
            var kind = root.GetProperty("kind").GetString()!;
            var name = root.TryGetProperty("estimator", out var e) ? e.GetString() : root.GetProperty("loss").GetString();
            var agg = root.TryGetProperty("agg", out var a) ? "/" + a.GetString() : string.Empty;
            data.Add(i + 1, $"{kind}/{name}{agg}");
        }

        return data;
    }

    [Fact]
    public void HoldsAllCases() => Assert.True(Lines.Value.Length >= 360, $"only {Lines.Value.Length} golden cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesVerl(int line, string label)
    {
        using var doc = JsonDocument.Parse(Lines.Value[line - 1]);
        var c = doc.RootElement;
        var context = $"line {line} ({label})";
        switch (c.GetProperty("kind").GetString())
        {
            case "advantage":
                CheckAdvantage(c, context);
                break;
            case "kl":
                CheckKl(c, context);
                break;
            case "policy_loss":
                CheckPolicyLoss(c, context);
                break;
            default:
                Assert.Fail($"{context}: unknown kind");
                break;
        }
    }

    private static void CheckAdvantage(JsonElement c, string context)
    {
        var options = new AdvantageOptions { Epsilon = c.GetProperty("epsilon").GetDouble(), Gamma = c.GetProperty("gamma").GetDouble() };
        var estimator = AdvantageEstimators.Create(c.GetProperty("estimator").GetString()!, options);
        var lengths = Ints(c, "lengths");
        var input = new AdvantageInput(Floats(c, "rewards"), Ints(c, "groups"), lengths);
        var result = estimator.Compute(input);
        var expected = Matrix(c, "expected_advantages");
        for (var i = 0; i < expected.Length; i++)
        {
            for (var t = 0; t < expected[i].Length; t++)
            {
                Close(expected[i][t], t < lengths[i] ? result.Tokens[i][t] : 0, $"{context} advantage[{i}][{t}]");
            }
        }
    }

    private static void CheckKl(JsonElement c, string context)
    {
        var estimator = KlEstimators.Parse(c.GetProperty("estimator").GetString()!);
        var logp = Matrix(c, "logprobs");
        var refLogp = Matrix(c, "ref_logprobs");
        var lengths = Ints(c, "lengths");
        var expected = Matrix(c, "expected_kl");
        var expectedGrad = Matrix(c, "expected_grad_logprobs");
        for (var i = 0; i < logp.Length; i++)
        {
            for (var t = 0; t < logp[i].Length; t++)
            {
                Close(expected[i][t], KlEstimators.Value(estimator, logp[i][t], refLogp[i][t]), $"{context} kl[{i}][{t}]");
                var grad = t < lengths[i] ? KlEstimators.Gradient(estimator, logp[i][t], refLogp[i][t]) : 0;
                Close(expectedGrad[i][t], grad, $"{context} grad[{i}][{t}]");
            }
        }

        // The Torch estimator, with the gradient of the masked sum taken by autograd.
        using var scope = torch.NewDisposeScope();
        var logpT = Tensor2(logp).requires_grad_();
        var mask = Mask(lengths, logp[0].Length);
        var kl = KlTensor.PerToken(estimator, logpT, Tensor2(refLogp));
        (kl * mask).sum().backward();
        AssertMatrix(expected, kl, $"{context} torch kl");
        AssertMatrix(expectedGrad, logpT.grad!, $"{context} torch grad");
    }

    private static void CheckPolicyLoss(JsonElement c, string context)
    {
        var oldLogp = Matrix(c, "old_logprobs");
        var logp = Matrix(c, "logprobs");
        var adv = Matrix(c, "advantages");
        var lengths = Ints(c, "lengths");
        var clipLow = c.GetProperty("clip_low").GetDouble();
        var clipHigh = c.GetProperty("clip_high").GetDouble();
        var agg = LossAggregations.Parse(c.GetProperty("agg").GetString()!);
        var lossName = c.GetProperty("loss").GetString()!;
        var reference = lossName switch
        {
            "vanilla" => ReferencePolicyLoss.Vanilla(oldLogp, logp, adv, lengths, clipLow, clipHigh, c.GetProperty("clip_c").GetDouble(), agg),
            "gspo" => ReferencePolicyLoss.Gspo(oldLogp, logp, adv, lengths, clipLow, clipHigh),
            var other => throw new InvalidOperationException($"{context}: no loss '{other}'"),
        };
        Close(c.GetProperty("expected_loss").GetDouble(), reference.Loss, $"{context} loss");
        Close(c.GetProperty("expected_clipfrac").GetDouble(), reference.ClipFrac, $"{context} clipfrac");
        Close(c.GetProperty("expected_clipfrac_lower").GetDouble(), reference.ClipFracLower, $"{context} clipfrac_lower");
        Close(c.GetProperty("expected_ppo_kl").GetDouble(), reference.PpoKl, $"{context} ppo_kl");
        var expectedGrad = Matrix(c, "expected_grad_logprobs");
        for (var i = 0; i < expectedGrad.Length; i++)
        {
            for (var t = 0; t < expectedGrad[i].Length; t++)
            {
                Close(expectedGrad[i][t], reference.Grad[i][t], $"{context} grad[{i}][{t}]");
            }
        }

        // The production loss: Torch ops, gradient by autograd.
        using var scope = torch.NewDisposeScope();
        var options = new PolicyLossOptions { ClipLow = clipLow, ClipHigh = clipHigh, ClipC = c.GetProperty("clip_c").GetDouble(), Aggregation = agg };
        var loss = PolicyLosses.Create(lossName == "vanilla" ? "ppo" : lossName, options);
        var logpT = Tensor2(logp).requires_grad_();
        var mask = Mask(lengths, logp[0].Length);
        var output = loss.Compute(new PolicyLossInput(logpT, Tensor2(oldLogp), Tensor2(adv), mask, LossNormalizer.FromMask(mask)));
        output.Loss.backward();
        Close(c.GetProperty("expected_loss").GetDouble(), output.Loss.ToDouble(), $"{context} torch loss");
        Close(c.GetProperty("expected_clipfrac").GetDouble(), output.Metrics.ClipFrac, $"{context} torch clipfrac");
        Close(c.GetProperty("expected_clipfrac_lower").GetDouble(), output.Metrics.ClipFracLower, $"{context} torch clipfrac_lower");
        Close(c.GetProperty("expected_ppo_kl").GetDouble(), output.Metrics.PpoKl, $"{context} torch ppo_kl");
        AssertMatrix(expectedGrad, logpT.grad!, $"{context} torch grad");
    }

    private static Tensor Tensor2(double[][] m) =>
        torch.tensor(m.SelectMany(r => r.Select(x => (float)x)).ToArray(), [m.Length, m[0].Length]);

    private static Tensor Mask(int[] lengths, int width) =>
        torch.tensor(lengths.SelectMany(l => Enumerable.Range(0, width).Select(t => t < l ? 1f : 0f)).ToArray(), [lengths.Length, width]);

    private static void AssertMatrix(double[][] expected, Tensor actual, string what)
    {
        var values = actual.to(ScalarType.Float32).data<float>();
        var width = expected[0].Length;
        for (var i = 0; i < expected.Length; i++)
        {
            for (var t = 0; t < width; t++)
            {
                Close(expected[i][t], values[(i * width) + t], $"{what}[{i}][{t}]");
            }
        }
    }

    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= Atol + (Rtol * Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");

    private static int[] Ints(JsonElement c, string name) => [.. c.GetProperty(name).EnumerateArray().Select(x => x.GetInt32())];

    private static float[] Floats(JsonElement c, string name) => [.. c.GetProperty(name).EnumerateArray().Select(x => x.GetSingle())];

    private static double[][] Matrix(JsonElement c, string name) =>
        [.. c.GetProperty(name).EnumerateArray().Select(row => row.EnumerateArray().Select(x => x.GetDouble()).ToArray())];
}
