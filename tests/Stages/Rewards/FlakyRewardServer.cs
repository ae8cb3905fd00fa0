using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pipeline.Tests.Stages.Rewards;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 (a free port chosen by the OS) whose answer to each
/// request is chosen by a script: score, fail, stall, reply with garbage. Every connection is
/// closed after one response, and every wait is bounded by the server's own cancellation.
/// </summary>
public sealed class FlakyRewardServer : IAsyncDisposable
{
    public enum Mode { Score, Fail500, Stall, BadRequest, Garbage, Huge }

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Func<int, Mode> _script;
    private int _requests;

    public FlakyRewardServer(Func<int, Mode> script, double score = 0.75)
    {
        _script = script;
        Score = score;
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/score");
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Uri Endpoint { get; }
    public double Score { get; set; }
    public int Requests => Volatile.Read(ref _requests);
    public string? LastBody { get; private set; }

    private async Task AcceptLoopAsync()
    {
        var handlers = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                handlers.Add(Task.Run(() => HandleAsync(client)));
            }
        }
        catch (OperationCanceledException)
        {
        }
        await Task.WhenAll(handlers);
    }

    private async Task HandleAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var head = await ReadHeadAsync(stream);
            if (head is null)
                return;
            var length = ContentLength(head.Value.Text);
            var body = head.Value.Body.ToList();
            var buffer = new byte[4096];
            while (body.Count < length)
            {
                var n = await stream.ReadAsync(buffer, _stop.Token);
                if (n == 0)
                    break;
                body.AddRange(buffer.AsSpan(0, n).ToArray());
            }
            LastBody = Encoding.UTF8.GetString(body.ToArray());
            var index = Interlocked.Increment(ref _requests) - 1;
            switch (_script(index))
            {
                case Mode.Score:
                    await RespondAsync(stream, "200 OK", $"{{\"score\": {Score.ToString(System.Globalization.CultureInfo.InvariantCulture)}, \"reason\": \"judge says ok\"}}");
                    break;
                case Mode.Fail500:
                    await RespondAsync(stream, "500 Internal Server Error", "{\"error\": \"boom\"}");
                    break;
                case Mode.BadRequest:
                    await RespondAsync(stream, "400 Bad Request", "{\"error\": \"bad\"}");
                    break;
                case Mode.Garbage:
                    await RespondAsync(stream, "200 OK", "<html>not json</html>");
                    break;
                case Mode.Huge:
                    await RespondAsync(stream, "200 OK", "{\"score\": 1, \"reason\": \"" + new string('x', 200_000) + "\"}");
                    break;
                case Mode.Stall:
                    // Hold the connection until the client gives up (it closes) or the server stops.
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                    break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
        {
        }
    }

    private async Task<(string Text, byte[] Body)?> ReadHeadAsync(NetworkStream stream)
    {
        var data = new List<byte>();
        var buffer = new byte[4096];
        while (data.Count < 64 * 1024)
        {
            var n = await stream.ReadAsync(buffer, _stop.Token);
            if (n == 0)
                return null;
            data.AddRange(buffer.AsSpan(0, n).ToArray());
            var all = data.ToArray();
            var end = all.AsSpan().IndexOf("\r\n\r\n"u8);
            if (end >= 0)
                return (Encoding.ASCII.GetString(all, 0, end), all[(end + 4)..]);
        }
        return null;
    }

    private static int ContentLength(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                return int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        return 0;
    }

    private async Task RespondAsync(NetworkStream stream, string status, string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(head, _stop.Token);
        await stream.WriteAsync(body, _stop.Token);
        await stream.FlushAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop.WaitAsync(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
