using Pipeline.Model.Torch;

namespace Pipeline.Tests.Model.Torch;

public class NativeLibraryResolverTests
{
    [Fact]
    public void FindsTheBuiltShim()
    {
        var path = NativeLibraryResolver.Locate();
        Assert.NotNull(path);
        Assert.EndsWith(NativeLibraryResolver.FileName, path);
    }

    [Fact]
    public void SearchesTheRepositoryBuildFolder() =>
        Assert.Contains(
            NativeLibraryResolver.Candidates(),
            c => c.EndsWith(Path.Combine("model", "native", "build", NativeLibraryResolver.FileName)));
}
