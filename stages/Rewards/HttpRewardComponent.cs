using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Pipeline.Data.Verifiers;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Pipeline.Stages.Rewards;

/// <summary>
/// A reward component scored by an HTTP server (LLM judge, reward model). Every call goes through
/// one resilience pipeline, built once per component so the circuit state is shared by all calls:
/// total timeout → retry (exponential, jittered, capped) → circuit breaker → attempt timeout.
/// Any failure becomes <see cref="HttpRewardOptions.FallbackScore"/> with the reason recorded;
/// only the caller's own cancellation escapes as an exception.
/// </summary>
/// <remarks>
/// Request: POST JSON {"id", "task", "prompt", "reference", "completion", "length", "truncated"}.
/// Response: JSON {"score": number, "reason": string (optional)}.
/// </remarks>
public sealed class HttpRewardComponent : IAsyncVerifier, IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpRewardOptions _options;
    private readonly HttpClient _client;
    private readonly bool _ownsClient;
    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerStateProvider _circuit = new();

    public HttpRewardComponent(HttpRewardOptions options, HttpClient? client = null, TimeProvider? timeProvider = null)
    {
        options.Validate();
        _options = options;
        _ownsClient = client is null;
        _client = client ?? new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = options.AttemptTimeout,
        });
        // The pipeline owns every timeout; HttpClient's own 100 s default would cut across it.
        if (_ownsClient)
            _client.Timeout = Timeout.InfiniteTimeSpan;
        _pipeline = BuildPipeline(options, _circuit, timeProvider);
    }

    public string Name => _options.Name;

    /// <summary>The breaker's state, for metrics and tests.</summary>
    public CircuitState CircuitState => _circuit.CircuitState;

    public static ResiliencePipeline BuildPipeline(HttpRewardOptions options, CircuitBreakerStateProvider? stateProvider = null, TimeProvider? timeProvider = null)
    {
        var transient = new PredicateBuilder()
            .Handle<HttpRequestException>()
            .Handle<IOException>()
            .Handle<TimeoutRejectedException>()
            .Handle<RemoteRewardException>(e => e.Transient);
        var builder = new ResiliencePipelineBuilder { Name = "reward:" + options.Name };
        if (timeProvider is not null)
            builder.TimeProvider = timeProvider;
        builder.AddTimeout(options.TotalTimeout);
        // Polly's retry needs at least one retry; zero retries means no retry strategy at all.
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                // BrokenCircuitException is not in the predicate: an open circuit fails fast.
                ShouldHandle = transient,
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
            });
        }
        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = transient,
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakerBreakDuration,
                StateProvider = stateProvider,
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    private sealed class Call(HttpRewardComponent owner, byte[] body)
    {
        public readonly HttpRewardComponent Owner = owner;
        public readonly byte[] Body = body;
        public int Attempts;
    }

    private readonly record struct Reply(double Score, string? Reason);

    public async ValueTask<VerifierResult> VerifyAsync(VerifyInput input, CancellationToken cancellationToken)
    {
        Call call = new(this, []);
        string failure;
        try
        {
            call = new Call(this, BuildRequest(input));
            var reply = await _pipeline.ExecuteAsync(
                static (c, ct) => c.Owner.SendAsync(c, ct), call, cancellationToken).ConfigureAwait(false);
            var why = reply.Reason is null ? "" : ": " + Snip(reply.Reason);
            return VerifierResult.Of(Name, reply.Score, $"scored after {Attempts(call)}{why}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (BrokenCircuitException)
        {
            failure = "circuit open";
        }
        catch (TimeoutRejectedException e)
        {
            failure = e.Timeout == _options.TotalTimeout && e.Timeout != _options.AttemptTimeout
                ? $"total timeout of {_options.TotalTimeout.TotalMilliseconds:0} ms"
                : $"attempt timeout of {_options.AttemptTimeout.TotalMilliseconds:0} ms";
        }
        catch (RemoteRewardException e)
        {
            failure = e.Message;
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            failure = $"{e.GetType().Name}: {Snip(e.Message)}";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            failure = $"unexpected {e.GetType().Name}: {Snip(e.Message)}";
        }
        return VerifierResult.Of(Name, _options.FallbackScore, $"fallback {_options.FallbackScore} ({failure}) after {Attempts(call)}");
    }

    private static string Attempts(Call call)
    {
        var n = Volatile.Read(ref call.Attempts);
        return n == 1 ? "1 attempt" : $"{n} attempts";
    }

    private async ValueTask<Reply> SendAsync(Call call, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref call.Attempts);
        using var content = new ByteArrayContent(call.Body);
        content.Headers.ContentType = Json;
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.Endpoint) { Content = content };
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (!response.IsSuccessStatusCode)
        {
            var transient = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
            throw new RemoteRewardException($"HTTP {status} {response.ReasonPhrase}", transient);
        }
        if (response.Content.Headers.ContentLength > _options.MaxResponseBytes)
            throw new RemoteRewardException($"response exceeds {_options.MaxResponseBytes} bytes", transient: false);
        var body = await ReadCappedAsync(response.Content, _options.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
        return Parse(body);
    }

    private static async Task<byte[]> ReadCappedAsync(HttpContent content, int max, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(max + 1);
        try
        {
            var total = 0;
            while (total <= max)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(total, max + 1 - total), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                    return buffer.AsSpan(0, total).ToArray();
                total += n;
            }
            throw new RemoteRewardException($"response exceeds {max} bytes", transient: false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Reply Parse(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("score", out var score) || score.ValueKind != JsonValueKind.Number)
                throw new RemoteRewardException("malformed response: no numeric \"score\"", transient: false);
            var value = score.GetDouble();
            if (!double.IsFinite(value))
                throw new RemoteRewardException("malformed response: score is not finite", transient: false);
            string? reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            return new Reply(value, reason);
        }
        catch (JsonException e)
        {
            throw new RemoteRewardException("malformed response: " + Snip(e.Message), transient: false);
        }
    }

    private byte[] BuildRequest(VerifyInput input)
    {
        var completion = input.Completion ?? string.Empty;
        var cut = completion.Length > _options.MaxCompletionChars;
        var buffer = new ArrayBufferWriter<byte>(256 + Math.Min(completion.Length, _options.MaxCompletionChars) * 2);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", WellFormed(input.Problem.Id));
            writer.WriteString("task", WellFormed(input.Problem.Task));
            writer.WriteString("prompt", WellFormed(input.Problem.Prompt));
            writer.WriteString("reference", WellFormed(input.Problem.Answer));
            writer.WriteString("completion", WellFormed(cut ? completion[^_options.MaxCompletionChars..] : completion));
            writer.WriteNumber("length", input.EffectiveLength);
            writer.WriteBoolean("truncated", input.Truncated || cut);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static string Snip(string s) => WellFormed(s.Length <= 200 ? s : s[..200] + "…");

    // Utf8JsonWriter refuses lone surrogates, and model output has them; U+FFFD is what any UTF-8 encoder would write.
    private static string WellFormed(string s)
    {
        var i = 0;
        for (; i < s.Length; i++)
        {
            if (char.IsSurrogate(s[i]))
                break;
        }
        if (i == s.Length)
            return s;
        var chars = s.ToCharArray();
        for (; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
                i++;
            else if (char.IsSurrogate(chars[i]))
                chars[i] = '\uFFFD';
        }
        return new string(chars);
    }

    public void Dispose()
    {
        if (_ownsClient)
            _client.Dispose();
    }
}
