using System.Text.Json;
using Pipeline.Model.Torch;
using Pipeline.Model.Torch.Optim;

namespace Pipeline.Tests.Model.Torch.Optim;

/// <summary>Replays torch.optim.AdamW + clip_grad_norm_ steps recorded from PyTorch 1.13.</summary>
public class AdamWGoldenTests
{
    private static JsonElement Fixture()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "torch", "adamw_golden.json");
        Assert.True(File.Exists(path),
            $"{path} is missing; regenerate it with /usr/bin/python3 tests/fixtures/torch/make_adamw_golden.py");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement;
    }

    private static double[] Flat(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? [.. e.EnumerateArray().SelectMany(Flat)] : [e.GetDouble()];

    [Fact]
    public void MatchesPyTorchStepByStep()
    {
        var f = Fixture();
        using var scope = torch.NewDisposeScope();
        var p = torch.tensor(Flat(f.GetProperty("p0")), requires_grad: true);
        var q = torch.tensor(Flat(f.GetProperty("q0")), [2, 2], requires_grad: true);
        using var opt = torch.optim.AdamW([p, q], f.GetProperty("lr").GetDouble(), f.GetProperty("beta1").GetDouble(),
            f.GetProperty("beta2").GetDouble(), f.GetProperty("eps").GetDouble(), f.GetProperty("weight_decay").GetDouble());
        var t = 0;
        foreach (var step in f.GetProperty("steps").EnumerateArray())
        {
            t++;
            using var inner = torch.NewDisposeScope();
            opt.zero_grad();
            var loss = p.pow(3).sum() + p.sum() * t + q.matmul(q).sum() * t;
            loss.backward();
            var norm = torch.nn.utils.clip_grad_norm_([p, q], f.GetProperty("max_norm").GetDouble());
            opt.step();
            Assert.Equal(step.GetProperty("loss").GetDouble(), loss.item<double>(), 1e-12);
            Assert.Equal(step.GetProperty("norm").GetDouble(), norm, 1e-10);
            var expected = Flat(step.GetProperty("p")).Concat(Flat(step.GetProperty("q"))).ToArray();
            var actual = p.data<double>().Concat(q.data<double>()).ToArray();
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12, $"step {t} element {i}: PyTorch {expected[i]}, binding {actual[i]}");
            }
        }
    }
}
