namespace Pipeline.Data.Verifiers;

/// <summary>
/// A synchronous reward component. Implementations never throw on any completion text and run in
/// time bounded by their options' input caps; <see cref="VerifierGuard"/> adds a wall-clock bound
/// and turns an unexpected exception into a result for callers that cannot trust a component.
/// </summary>
public interface IVerifier
{
    /// <summary>The stable config name, also the name of the component in logs.</summary>
    string Name { get; }

    VerifierResult Verify(in VerifyInput input);
}

/// <summary>A reward component that waits on something (an HTTP judge, a sandbox).</summary>
public interface IAsyncVerifier
{
    string Name { get; }

    ValueTask<VerifierResult> VerifyAsync(VerifyInput input, CancellationToken cancellationToken);
}
