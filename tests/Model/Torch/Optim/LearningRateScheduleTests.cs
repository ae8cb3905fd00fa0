using Pipeline.Model.Torch;
using Pipeline.Model.Torch.Optim;

namespace Pipeline.Tests.Model.Torch.Optim;

public class LearningRateScheduleTests
{
    [Fact]
    public void Constant() => Assert.Equal(0.1, new ConstantSchedule(0.1).LearningRate(1000));

    [Fact]
    public void LinearWarmupRampsThenHolds()
    {
        var s = new LinearWarmupSchedule(1.0, 4);
        Assert.Equal([0.25, 0.5, 0.75, 1.0, 1.0], Enumerable.Range(0, 5).Select(i => s.LearningRate(i)));
        Assert.Equal(1.0, new LinearWarmupSchedule(1.0, 0).LearningRate(0));
    }

    [Fact]
    public void CosineDecaysFromPeakToMinimum()
    {
        var s = new CosineSchedule(1.0, WarmupSteps: 2, TotalSteps: 6, MinLr: 0.1);
        Assert.Equal(0.5, s.LearningRate(0), 1e-12);
        Assert.Equal(1.0, s.LearningRate(1), 1e-12);
        Assert.Equal(1.0, s.LearningRate(2), 1e-12);                       // progress 0
        Assert.Equal(0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI / 4)), s.LearningRate(3), 1e-12);
        Assert.Equal(0.55, s.LearningRate(4), 1e-12);                      // halfway
        Assert.Equal(0.1, s.LearningRate(6), 1e-12);
        Assert.Equal(0.1, s.LearningRate(60), 1e-12);
    }

    [Fact]
    public void SchedulerDrivesTheOptimizer()
    {
        using var p = torch.zeros([1], requires_grad: true);
        using var opt = new AdamW([p], lr: 123);
        var sched = new LRScheduler(opt, new LinearWarmupSchedule(1.0, 2));
        Assert.Equal(0.5, sched.Apply());
        Assert.Equal(0.5, opt.LearningRate);
        Assert.Equal(1.0, sched.step());
        Assert.Equal(1.0, opt.LearningRate);
        Assert.Equal(0.5, sched.Seek(0));
    }
}
