using Microsoft.Extensions.DependencyInjection;
using Polly;

namespace Para.ServiceDefaults.Http;

/// <summary>
/// One more attempt for a request that failed in service discovery, before it reached the network.
/// </summary>
/// <remarks>
/// Microsoft.Extensions.ServiceDiscovery (10.x, and its main branch in 2026-08) expires a service's
/// resolver entry after it has been idle for a cleanup period. A request that picked the entry up
/// just as it was disposed completes the entry's disposal a second time and fails with
/// <see cref="InvalidOperationException"/> ("transition a task to a final state…") instead of
/// taking a fresh entry; for the account API that turned a refresh into a failure. Resolving again
/// takes the fresh entry. Only failures before the transport are retried, so nothing is sent twice;
/// unlike the standard resilience handler this one stays on clients that remove those
/// (single-attempt clients such as the OAuth token client).
/// </remarks>
public static class EndpointResolutionRetry
{
    private static readonly HttpRequestOptionsKey<bool> ReachedTransport = new("Para.ReachedTransport");

    /// <summary>Adds the retry around service discovery: call it before <c>AddServiceDiscovery()</c>.</summary>
    public static IHttpClientBuilder AddEndpointResolutionRetry(this IHttpClientBuilder http) =>
        http.AddHttpMessageHandler(() => new RetryHandler());

    /// <summary>Marks a request that got past service discovery: call it after <c>AddServiceDiscovery()</c>.</summary>
    public static IHttpClientBuilder AddTransportMark(this IHttpClientBuilder http) =>
        http.AddHttpMessageHandler(() => new TransportMarkHandler());

    internal sealed class RetryHandler : DelegatingHandler
    {
        private static readonly ResiliencePipeline<HttpResponseMessage> Pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new Polly.Retry.RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = 1,
                Delay = TimeSpan.Zero,
                ShouldHandle = arguments => ValueTask.FromResult(
                    arguments.Outcome.Exception is InvalidOperationException
                    && arguments.Context.Properties.TryGetValue(RequestKey, out var request)
                    && !(request.Options.TryGetValue(ReachedTransport, out var reached) && reached)),
            })
            .Build();

        private static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("Para.Request");

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var context = ResilienceContextPool.Shared.Get(cancellationToken);
            context.Properties.Set(RequestKey, request);
            try
            {
                return await Pipeline.ExecuteAsync(
                    static async (context, state) =>
                    {
                        state.request.Options.Set(ReachedTransport, false);
                        return await state.handler.SendCoreAsync(state.request, context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
                    },
                    context,
                    (handler: this, request));
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }

        private Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            base.SendAsync(request, cancellationToken);
    }

    internal sealed class TransportMarkHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Options.Set(ReachedTransport, true);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
