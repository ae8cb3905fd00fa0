namespace Pipeline.Data.Verifiers;

/// <summary>
/// Runs a component so that its failure is a result, never a lost rollout: an exception becomes
/// a reason, and the async form bounds wall-clock time (a verifier that overruns is abandoned,
/// its result recorded as a timeout).
/// </summary>
public static class VerifierGuard
{
    public static VerifierResult Run(IVerifier verifier, in VerifyInput input, double failureScore = 0)
    {
        try
        {
            return verifier.Verify(input);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return VerifierResult.Of(verifier.Name, failureScore, $"verifier threw {e.GetType().Name}: {Text.Snip(e.Message, 200)}");
        }
    }

    public static async Task<VerifierResult> RunAsync(IVerifier verifier, VerifyInput input, TimeSpan timeout, double failureScore = 0, CancellationToken cancellationToken = default)
    {
        var work = Task.Run(() => Run(verifier, input, failureScore), CancellationToken.None);
        try
        {
            return await work.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return VerifierResult.Of(verifier.Name, failureScore, $"verifier timed out after {timeout.TotalMilliseconds:0} ms");
        }
    }

    public static async Task<VerifierResult> RunAsync(IAsyncVerifier verifier, VerifyInput input, TimeSpan timeout, double failureScore = 0, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            return await verifier.VerifyAsync(input, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return VerifierResult.Of(verifier.Name, failureScore, $"verifier timed out after {timeout.TotalMilliseconds:0} ms");
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
        {
            return VerifierResult.Of(verifier.Name, failureScore, $"verifier threw {e.GetType().Name}: {Text.Snip(e.Message, 200)}");
        }
    }
}
