using Pipeline.Data.Problems;
using Pipeline.Data.Tasks;

namespace Pipeline.Tests.Data.Problems;

public class StableHashTests
{
    // Published FNV-1a 64 test vectors (Fowler/Noll/Vo reference code, test suite).
    [Theory]
    [InlineData("", 0xcbf29ce484222325UL)]
    [InlineData("a", 0xaf63dc4c8601ec8cUL)]
    [InlineData("foobar", 0x85944171f73967e8UL)]
    public void Fnv1aMatchesPublishedVectors(string text, ulong expected) => Assert.Equal(expected, StableHash.Fnv1a(text));

    [Fact]
    public void MixIsSplitMix64()
    {
        // The first outputs of SplitMix64 seeded with 0 (Vigna's reference splitmix64.c).
        var r = new TaskRandom(0);
        Assert.Equal(0xe220a8397b1dcdafUL, r.NextUInt64());
        Assert.Equal(0x6e789e6aa1b965f4UL, r.NextUInt64());
        Assert.Equal(0x06c45d188009454fUL, r.NextUInt64());
        Assert.Equal(0xe220a8397b1dcdafUL, StableHash.Mix(0));
    }

    [Fact]
    public void LongAndNonAsciiTextHashLikeItsUtf8Bytes()
    {
        var text = new string('é', 3000) + "\ud800";
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        Assert.Equal(StableHash.Fnv1a(bytes), StableHash.Fnv1a(text));
        Assert.Equal(StableHash.Fnv1a("é"u8), StableHash.Fnv1a("é"));
    }

    [Fact]
    public void UnitLiesInHalfOpenInterval()
    {
        Assert.Equal(0.0, StableHash.Unit(0));
        Assert.True(StableHash.Unit(ulong.MaxValue) < 1.0);
    }
}
