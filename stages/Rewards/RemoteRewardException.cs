namespace Pipeline.Stages.Rewards;

/// <summary>
/// A failed remote reward call. <see cref="Transient"/> failures (5xx, 408, 429) are retried and
/// count against the circuit breaker; the others (a 4xx, a malformed answer) would fail the same
/// way again and become the fallback at once.
/// </summary>
public sealed class RemoteRewardException(string message, bool transient) : Exception(message)
{
    public bool Transient { get; } = transient;
}
