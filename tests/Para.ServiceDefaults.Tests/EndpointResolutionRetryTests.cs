using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Para.ServiceDefaults.Http;

namespace Para.ServiceDefaults.Tests;

/// <summary>
/// A request that fails in service discovery, before it reaches the network, is resolved once
/// more; one that failed on its way out is never sent twice.
/// </summary>
public sealed class EndpointResolutionRetryTests
{
    private static readonly Uri Service = new("http://container-auth/api/containers/credentials/harvest");

    [Fact]
    public async Task A_resolver_entry_disposed_under_the_request_is_resolved_again_and_the_request_is_sent_once()
    {
        var transport = new CountingTransport();
        using var client = Chain(new FailingResolver(failures: 1), transport);

        using var response = await client.PostAsync(Service, content: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, transport.Requests);
    }

    [Fact]
    public async Task A_resolution_that_keeps_failing_is_tried_twice_and_then_reported()
    {
        var resolver = new FailingResolver(failures: int.MaxValue);
        var transport = new CountingTransport();
        using var client = Chain(resolver, transport);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => client.PostAsync(Service, content: null));

        Assert.Contains("Unable to resolve endpoint", failure.Message, StringComparison.Ordinal);
        Assert.Equal(2, resolver.Attempts);
        Assert.Equal(0, transport.Requests);
    }

    [Fact]
    public async Task A_failure_after_the_request_reached_the_transport_is_not_retried()
    {
        var resolver = new FailingResolver(failures: 0);
        var transport = new CountingTransport { Failure = new InvalidOperationException("the transport failed") };
        using var client = Chain(resolver, transport);

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.PostAsync(Service, content: null));

        Assert.Equal(1, resolver.Attempts);
        Assert.Equal(1, transport.Requests);
    }

    [Fact]
    public void Every_client_of_a_service_resolves_inside_the_retry_even_one_that_removes_the_resilience_handlers()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddServiceDefaults();
#pragma warning disable EXTEXP0001 // The documented way to opt a client out of the standard handler, as Para's single-attempt clients do.
        builder.Services.AddHttpClient("single-attempt").RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        using var host = builder.Build();
        var handlers = host.Services.GetRequiredService<IHttpMessageHandlerFactory>();

        foreach (var name in new[] { "single-attempt", "any" })
        {
            var chain = HandlerNames(handlers.CreateHandler(name));
            var retry = chain.IndexOf("RetryHandler");
            var resolving = chain.IndexOf("ResolvingHttpDelegatingHandler");
            var mark = chain.IndexOf("TransportMarkHandler");
            Assert.True(retry >= 0 && retry < resolving && resolving < mark, $"{name}: {string.Join(" > ", chain)}");
        }
    }

    private static HttpClient Chain(HttpMessageHandler resolver, HttpMessageHandler transport)
    {
        var mark = new EndpointResolutionRetry.TransportMarkHandler { InnerHandler = transport };
        ((DelegatingHandler)resolver).InnerHandler = mark;
        return new HttpClient(new EndpointResolutionRetry.RetryHandler { InnerHandler = resolver });
    }

    private static List<string> HandlerNames(HttpMessageHandler handler)
    {
        var names = new List<string>();
        for (HttpMessageHandler? current = handler; current is not null; current = (current as DelegatingHandler)?.InnerHandler)
        {
            names.Add(current.GetType().Name);
        }

        return names;
    }

    /// <summary>Throws as service discovery does before it forwards: its own failure, and the race on a disposed entry.</summary>
    private sealed class FailingResolver(int failures) : DelegatingHandler
    {
        public int Attempts { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Attempts++;
            return Attempts <= failures
                ? throw new InvalidOperationException(Attempts == 1
                    ? "An attempt was made to transition a task to a final state when it had already completed."
                    : "Unable to resolve endpoint for service container-auth")
                : base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class CountingTransport : HttpMessageHandler
    {
        public int Requests { get; private set; }

        public Exception? Failure { get; init; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            return Failure is { } failure ? throw failure : Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
