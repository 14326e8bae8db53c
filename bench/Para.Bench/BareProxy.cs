using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;

namespace Para.Bench;

/// <summary>
/// The least a YARP proxy can do, for the gateway benchmark's floor: Kestrel, one route, the
/// forwarder, the client's key swapped for a fixed bearer. No logging, telemetry, key check,
/// account choice or body copy. <c>Para.Bench bench-bare-proxy PORT UPSTREAM-URL</c>.
/// What it costs against the upstream directly is what any proxy costs on this machine; what the
/// gateway costs beyond it is Para's.
/// </summary>
internal static class BareProxy
{
    public const string Command = "bench-bare-proxy";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 2 || !int.TryParse(args[0], CultureInfo.InvariantCulture, out var port)
            || !Uri.TryCreate(args[1], UriKind.Absolute, out var upstream))
        {
            await Console.Error.WriteLineAsync($"usage: Para.Bench {Command} PORT UPSTREAM-URL");
            return 2;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        builder.Services.AddHttpForwarder();
        var app = builder.Build();

        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        });
        var destination = upstream.ToString().TrimEnd('/');
        var transformer = new SwapKey();
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        app.Map("/v1/{**path}", async (HttpContext context) => await forwarder.SendAsync(context, destination, invoker, ForwarderRequestConfig.Empty, transformer));
        app.MapGet("/ready", () => "ok");
        await app.RunAsync();
        return 0;
    }

    private sealed class SwapKey : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            proxyRequest.Headers.Remove("x-api-key");
            proxyRequest.Headers.Remove("Authorization");
            proxyRequest.Headers.TryAddWithoutValidation("Authorization", "Bearer bench-access-token");
        }
    }
}
