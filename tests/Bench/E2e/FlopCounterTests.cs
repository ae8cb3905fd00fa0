using Pipeline.Bench.E2e;

namespace Pipeline.Tests.Bench.E2e;

public class FlopCounterTests
{
    // vocab 10, dim 4, hidden 6, 1 layer, 2 heads of dim 2, 1 kv head.
    private static readonly FlopCounter Tiny = new(Vocab: 10, Dim: 4, Hidden: 6, Layers: 1, Heads: 2, KvHeads: 1);

    [Fact]
    public void CountsParametersByHand()
    {
        // q 4x4 + o 4x4 + k 4x2 + v 4x2 + gate, up, down 3 x 4x6 = 16 + 16 + 8 + 8 + 72.
        Assert.Equal(120, Tiny.LayerParams);
        Assert.Equal(40, Tiny.HeadParams);
    }

    [Fact]
    public void GenerationMatchesAHandCount()
    {
        // Prompt 3, 2 sampled tokens: positions 0..3 go through the block (4 x 2 x 120 = 960);
        // they attend 1+2+3+4 = 10 keys at 4 x 2 heads x 2 dims = 16 FLOPs a key (160); the head runs
        // for the 2 sampled tokens (2 x 2 x 40 = 160).
        Assert.Equal(960 + 160 + 160, Tiny.Generation(3, 2));
        Assert.Equal(0, Tiny.Generation(3, 0));
    }

    [Fact]
    public void TrainingIsThreeForwardsOverTheWholeSequence()
    {
        // 5 positions (1200), 1+...+5 = 15 keys (240), head at 2 positions (160); forward + backward = 3x.
        Assert.Equal(3 * (1200 + 240 + 160), Tiny.Training(3, 2));
    }

    [Fact]
    public void BlocksAgreeWithAPositionByPositionSum()
    {
        var c = new FlopCounter(Vocab: 359, Dim: 64, Hidden: 172, Layers: 2, Heads: 4, KvHeads: 2);
        double slow = 0;
        for (int t = 0; t < 37; t++) slow += (2.0 * c.LayerParams) + c.Attention(t + 1);
        Assert.Equal(slow, c.Blocks(37), 6);
    }
}
