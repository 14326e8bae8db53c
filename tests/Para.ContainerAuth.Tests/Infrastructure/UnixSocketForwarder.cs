using System.Net.Sockets;

namespace Para.ContainerAuth.Tests.Infrastructure;

/// <summary>
/// A Docker socket that appears at a path of the test's choosing: lets a test start the service
/// with no engine there, then "bring the engine back" without touching the real daemon.
/// </summary>
public sealed class UnixSocketForwarder : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _target;
    private readonly Task _accepting;

    public UnixSocketForwarder(string path, string target)
    {
        _target = target;
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(16);
        _accepting = AcceptAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            _ = PumpAsync(client);
        }
    }

    private async Task PumpAsync(Socket client)
    {
        using var clientStream = new NetworkStream(client, ownsSocket: true);
        using var engine = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await engine.ConnectAsync(new UnixDomainSocketEndPoint(_target), _stop.Token);
            using var engineStream = new NetworkStream(engine, ownsSocket: false);
            await Task.WhenAny(clientStream.CopyToAsync(engineStream, _stop.Token), engineStream.CopyToAsync(clientStream, _stop.Token));
        }
        catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // A closed connection on either side ends the pump.
        }
    }
}
