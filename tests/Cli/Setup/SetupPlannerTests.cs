using Pipeline.Cli.Setup;

namespace Pipeline.Tests.Cli.Setup;

public class SetupPlannerTests
{
    private static readonly RepositoryLayout Layout = new("/repo");

    private static FakeHostSystem Stamped(FakeHostSystem host)
    {
        var planner = new SetupPlanner(host, Layout);
        host.Files[Layout.NativeStamp] = planner.NativeSourceHash();
        host.Files[Layout.OraclesStamp] = planner.OraclesLockHash();
        return host;
    }

    [Fact]
    public void ReadyMachinePlansNothing()
    {
        var host = Stamped(FakeHostSystem.ReadyDebian());
        var plan = new SetupPlanner(host, Layout).Plan(forTests: true);
        Assert.True(plan.NothingToDo, string.Join("; ", plan.MissingPackages.Concat(plan.Steps.Select(s => s.Reason))));
    }

    [Fact]
    public void FreshDebianNeedsEveryPackage()
    {
        var host = new FakeHostSystem();
        host.Files["/etc/os-release"] = "ID=debian\n";
        host.Files[Path.Combine(Layout.Oracles, "package.json")] = "{}";
        var plan = new SetupPlanner(host, Layout).Plan(forTests: true);
        Assert.Equal(["g++", "cmake", "make", "libtorch-dev", "libopenblas0-pthread", "nodejs", "npm", "chromium"], plan.MissingPackages);
        Assert.Equal([SetupStepKind.SelectOpenBlas, SetupStepKind.InstallOracles, SetupStepKind.BuildNative], plan.Steps.Select(s => s.Kind));
    }

    [Fact]
    public void ChromiumIsInstalledOnlyForTests()
    {
        var host = Stamped(FakeHostSystem.ReadyDebian());
        host.Commands.Remove("chromium");
        Assert.Equal(["chromium"], new SetupPlanner(host, Layout).Plan(forTests: true).MissingPackages);
        Assert.Empty(new SetupPlanner(host, Layout).Plan(forTests: false).MissingPackages);
    }

    [Fact]
    public void PythonTorchIsInstalledOnlyForBenchmarks()
    {
        var host = Stamped(FakeHostSystem.ReadyDebian());
        host.Commands.Add("python3");
        Assert.Equal(["python3-torch"], new SetupPlanner(host, Layout).Plan(forTests: true, forBench: true).MissingPackages);
        Assert.Empty(new SetupPlanner(host, Layout).Plan(forTests: true).MissingPackages);
        host.Files[SetupPlanner.DebianTorchPackage] = "";
        Assert.Empty(new SetupPlanner(host, Layout).Plan(forTests: false, forBench: true).MissingPackages);
    }

    [Fact]
    public void ReferenceBlasIsSwitchedToOpenBlas()
    {
        var host = Stamped(FakeHostSystem.ReadyDebian());
        host.Programs["update-alternatives --query"] = new ProcessResult(0, $"Value: /usr/lib/{SetupPlanner.Multiarch}/blas/libblas.so.3\n");
        var plan = new SetupPlanner(host, Layout).Plan(forTests: false);
        Assert.Equal(SetupStepKind.SelectOpenBlas, Assert.Single(plan.Steps).Kind);
    }

    [Fact]
    public void ChangedShimSourceRebuilds()
    {
        var host = Stamped(FakeHostSystem.ReadyDebian());
        host.Files[Path.Combine(Layout.NativeSource, "CMakeLists.txt")] = "changed";
        var plan = new SetupPlanner(host, Layout).Plan(forTests: false);
        Assert.Equal(SetupStepKind.BuildNative, Assert.Single(plan.Steps).Kind);
    }

    [Fact]
    public void AnotherLibtorchRebuilds()
    {
        var host = Stamped(FakeHostSystem.ReadyDebian());
        host.Variables[SetupPlanner.LibtorchVariable] = "/opt/libtorch";
        host.Files["/opt/libtorch/include/torch/csrc/api/include/torch/torch.h"] = "";
        host.Files["/opt/libtorch/lib/libtorch_cpu.so"] = "";
        var plan = new SetupPlanner(host, Layout).Plan(forTests: false);
        Assert.Empty(plan.MissingPackages);
        Assert.Equal(SetupStepKind.BuildNative, Assert.Single(plan.Steps).Kind);
    }

    [Fact]
    public void WrongLibtorchFolderIsAProblemNamingIt()
    {
        var host = Stamped(FakeHostSystem.ReadyDebian());
        host.Variables[SetupPlanner.LibtorchVariable] = "/nowhere";
        var plan = new SetupPlanner(host, Layout).Plan(forTests: false);
        Assert.Contains("/nowhere", Assert.Single(plan.Problems));
    }

    [Fact]
    public void NonRootGetsTheExactCommand()
    {
        var host = new FakeHostSystem { IsRoot = false };
        host.Files["/etc/os-release"] = "ID=ubuntu\n";
        var log = new StringWriter();
        var status = new SetupRunner(host, Layout, log, quiet: false).Run(forTests: false);
        Assert.Equal(1, status);
        Assert.Contains("sudo apt-get install -y --no-install-recommends g++ cmake make libtorch-dev libopenblas0-pthread", log.ToString());
        Assert.DoesNotContain(host.Ran, r => r.StartsWith("apt-get", StringComparison.Ordinal));
    }

    [Fact]
    public void RootOnDebianInstallsWithAptGet()
    {
        var host = new FakeHostSystem();
        host.Files["/etc/os-release"] = "ID=debian\n";
        var log = new StringWriter();
        // apt-get "fails" here, so the runner must stop after trying and say so.
        host.Programs["apt-get install"] = new ProcessResult(100, "E: no network");
        Assert.Throws<SetupException>(() => new SetupRunner(host, Layout, log, quiet: true).Run(forTests: false));
        Assert.Equal("apt-get update -qq", host.Ran[0]);
        Assert.StartsWith("apt-get install -y -qq --no-install-recommends g++ cmake make libtorch-dev", host.Ran[1]);
    }

    [Theory]
    [InlineData("ID=debian\n", true)]
    [InlineData("ID=linuxmint\nID_LIKE=\"ubuntu debian\"\n", true)]
    [InlineData("ID=fedora\nID_LIKE=\"rhel centos\"\n", false)]
    public void RecognisesTheDebianFamily(string text, bool debian) =>
        Assert.Equal(debian, OsRelease.Parse(text).IsDebianFamily);
}
