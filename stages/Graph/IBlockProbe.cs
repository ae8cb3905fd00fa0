namespace Pipeline.Stages.Graph;

/// <summary>
/// Observes every block's work: <see cref="Enter"/> before a message is processed and
/// <see cref="Exit"/> after. Used to measure stage utilisation (<see cref="StageUtilisation"/>, always
/// installed by the graph, forwarding to any other probe), concurrency against the bounds, and by tests to
/// inject delays and faults at a named block. Names: sample, generate, verify, group_filter,
/// batch, advantage, train, metrics, log; and "decide" (a group is complete, before the filter's verdict,
/// so a probe can count groups in flight).
/// </summary>
public interface IBlockProbe
{
    void Enter(string block, object message);

    void Exit(string block, object message);
}
