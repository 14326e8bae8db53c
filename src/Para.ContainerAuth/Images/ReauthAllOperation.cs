using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Para.ContainerAuth.Containers;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Docker;
using Para.ContainerAuth.Jobs;
using Para.Contracts.ContainerAuth;

namespace Para.ContainerAuth.Images;

/// <summary>
/// The seed's reauth-all script as one job: the base first (custom images are built on it), then
/// the custom images Para manages plus the ones named and, when asked, every running para
/// container, a few at a time. One item failing is that item's outcome, never the end of the run.
/// The plan is made before the job starts: the dry run shows it, a bad name is refused up front.
/// </summary>
public sealed class ReauthAllOperation(
    DockerEngine engine,
    ImageCatalog catalog,
    AccountResolver accounts,
    ImageAuthenticator authenticator,
    ContainerOperations containers,
    ICredentialSource credentialSource,
    IOptions<ContainerAuthOptions> options)
{
    private ContainerAuthOptions Options => options.Value;

    /// <summary>Throws <see cref="ArgumentException"/> (one sentence) for a named image Para cannot take.</summary>
    public async Task<ReauthAllPlan> PlanAsync(ReauthAllRequest request, CancellationToken cancellationToken)
    {
        var named = new List<string>();
        foreach (var image in (request.Images ?? []).Where(name => !string.IsNullOrWhiteSpace(name)).Select(name => name.Trim()))
        {
            if (!image.StartsWith(Options.NamePrefix, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"{image} is not a para image: reauth-all only writes images named {Options.NamePrefix}*; use 'para images authenticate' after tagging it {Options.NamePrefix}<name>.");
            }

            if (ImageNames.IsAuthenticated(image, Options))
            {
                throw new ArgumentException($"{image} is already an authenticated image; name the image it was made from.");
            }

            if (await engine.FindImageAsync(image, cancellationToken) is null)
            {
                throw new ArgumentException($"Image {image} does not exist.");
            }

            named.Add(ImageNames.Normalize(image));
        }

        var account = await accounts.ResolveAsync(request.Account, cancellationToken);
        var baseImage = ImageNames.Normalize(Options.BaseImage);
        var (managed, unmanaged) = await catalog.ListCustomImagesAsync(cancellationToken);
        var images = managed.Concat(named)
            .Where(image => !string.Equals(image, baseImage, StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        var running = request.IncludeContainers ? await containers.ListRunningParaContainersAsync(cancellationToken) : [];
        IReadOnlyList<ReauthPlanItem> items =
        [
            new("base", Options.BaseImage, Options.AuthenticatedImage),
            .. images.Select(image => new ReauthPlanItem("image", image, ImageNames.AuthenticatedNameFor(image, Options))),
            .. running.Order(StringComparer.Ordinal).Select(container => new ReauthPlanItem("container", container, container)),
        ];
        return new ReauthAllPlan(account, items, unmanaged.Except(named, StringComparer.Ordinal).ToArray());
    }

    /// <summary>
    /// The account's authenticated images whose token is no longer the account's (<see cref="ImageSummary.Stale"/>),
    /// each to be made again from the image it was made from. One whose source is gone is left out
    /// (returned apart): there is nothing to make it from.
    /// </summary>
    public async Task<(ReauthAllPlan Plan, IReadOnlyList<string> WithoutSource)> PlanStaleAsync(string account, CancellationToken cancellationToken)
    {
        var items = new List<ReauthPlanItem>();
        var withoutSource = new List<string>();
        var authenticatedBase = ImageNames.Normalize(Options.AuthenticatedImage);
        foreach (var image in await catalog.ListImagesAsync(cancellationToken))
        {
            if (image.Stale is not true || !string.Equals(image.Account, account, StringComparison.OrdinalIgnoreCase) || !ImageNames.IsAuthenticated(image.Name, Options))
            {
                continue;
            }

            var labels = (await engine.FindImageAsync(image.Name, cancellationToken))?.Labels;
            var source = string.Equals(image.Name, authenticatedBase, StringComparison.Ordinal)
                ? Options.BaseImage
                : labels is null ? null : CredentialLabels.Read(labels, CredentialLabels.SourceImage);
            if (source is null || await engine.FindImageAsync(source, cancellationToken) is null)
            {
                withoutSource.Add(image.Name);
                continue;
            }

            items.Add(new ReauthPlanItem(string.Equals(image.Name, authenticatedBase, StringComparison.Ordinal) ? "base" : "image", source, image.Name));
        }

        return (new ReauthAllPlan(account, [.. items.OrderBy(item => item.Kind == "base" ? 0 : 1).ThenBy(item => item.Target, StringComparer.Ordinal)], []),
            withoutSource);
    }

    public async Task<JobOutcome> RunAsync(ReauthAllPlan plan, int? maxParallelism, Job job, CancellationToken cancellationToken)
    {
        job.Report("credentials", 0.02, $"asking the account API for {plan.Account}");
        var credentials = await credentialSource.GetAsync(plan.Account, cancellationToken);

        var outcomes = new ConcurrentBag<ReauthItemOutcome>();
        var total = plan.Items.Count;
        var done = 0;
        async ValueTask RunOneAsync(ReauthPlanItem item, CancellationToken ct)
        {
            var outcome = await RunItemAsync(item, item.Kind == "container"
                ? async token => (await containers.ReauthAsync(item.Source, new ContainerReauthRequest(), credentials, null, token)).Container
                : token => authenticator.AuthenticateAsync(item.Source, item.Target, credentials, (_, _) => { }, token), ct);
            outcomes.Add(outcome);
            job.Report(item.Kind, (double)Interlocked.Increment(ref done) / total, Describe(outcome));
        }

        // The base first: custom images are usually built on it.
        foreach (var item in plan.Items.Where(item => item.Kind == "base"))
        {
            await RunOneAsync(item, cancellationToken);
        }

        var parallelism = Math.Clamp(maxParallelism ?? Options.MaxParallelism, 1, 32);
        await Parallel.ForEachAsync(plan.Items.Where(item => item.Kind != "base"),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, RunOneAsync);

        var ordered = outcomes.OrderBy(outcome => outcome.Kind switch { "base" => 0, "image" => 1, _ => 2 })
            .ThenBy(outcome => outcome.Source, StringComparer.Ordinal)
            .ToArray();
        var failed = ordered.Count(outcome => !outcome.Succeeded);
        var result = new ReauthAllResult(ordered.Length - failed, failed, ordered);
        return failed == 0
            ? new JobOutcome(result, $"{ordered.Length} item(s) reauthenticated")
            : new JobOutcome(result, null, $"{failed} of {ordered.Length} item(s) failed");
    }

    private static async Task<ReauthItemOutcome> RunItemAsync(ReauthPlanItem item, Func<CancellationToken, Task<string>> work,
        CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await work(cancellationToken);
            return new ReauthItemOutcome(item.Kind, item.Source, item.Target, true, null, stopwatch.Elapsed);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new ReauthItemOutcome(item.Kind, item.Source, item.Target, false, JobRunner.OneLine(exception), stopwatch.Elapsed);
        }
    }

    private static string Describe(ReauthItemOutcome outcome) =>
        outcome.Succeeded ? $"{outcome.Source} → {outcome.Target}" : $"{outcome.Source} failed: {outcome.Error}";
}
