using System.Runtime.CompilerServices;
using Polly;
using Polly.Registry;

namespace Para.Gateway.AuthRefresh;

/// <summary>
/// Wraps operations that use an account's credentials: an authentication failure triggers a
/// refresh (within the cooldown and failure limit) and one transparent retry.
/// </summary>
internal sealed class AuthRefreshManager(ResiliencePipelineProvider<string> pipelines)
{
    private readonly ResiliencePipeline _pipeline = pipelines.GetPipeline(AuthRefreshPipeline.Name);

    public async ValueTask<T> ExecuteAsync<T>(
        Func<CancellationToken, ValueTask<T>> operation,
        string operationName,
        string? accountId = null,
        string? sessionId = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var context = ResilienceContextPool.Shared.Get(operationName, cancellationToken);
        if (accountId is not null)
        {
            context.Properties.Set(AuthRefreshPipeline.AccountId, accountId);
        }

        if (sessionId is not null)
        {
            context.Properties.Set(AuthRefreshPipeline.SessionId, sessionId);
        }

        try
        {
            return await _pipeline.ExecuteAsync(static (context, operation) => operation(context.CancellationToken), context, operation);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// Protects a stream up to its first item: until then nothing has reached the caller, so a
    /// retry on a fresh stream is invisible. After that an error would mean repeating items, so it
    /// goes to the caller.
    /// </summary>
    public async IAsyncEnumerable<T> ExecuteStreamAsync<T>(
        Func<CancellationToken, IAsyncEnumerable<T>> stream,
        string operationName,
        string? accountId = null,
        string? sessionId = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var (enumerator, hasFirst) = await ExecuteAsync(
            async token =>
            {
                var opened = stream(token).GetAsyncEnumerator(token);
                try
                {
                    return (opened, await opened.MoveNextAsync());
                }
                catch
                {
                    await opened.DisposeAsync();
                    throw;
                }
            },
            operationName, accountId, sessionId, cancellationToken);

        await using (enumerator)
        {
            if (!hasFirst)
            {
                yield break;
            }

            yield return enumerator.Current;
            while (await enumerator.MoveNextAsync())
            {
                yield return enumerator.Current;
            }
        }
    }
}
