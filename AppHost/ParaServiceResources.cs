using Para.Contracts;

namespace Para.AppHost;

/// <summary>The AppHost's services, and where DCP put them once the app has started.</summary>
internal static class ParaServiceResources
{
    public static readonly string[] Names = [ServiceNames.Accounts, ServiceNames.ContainerAuth, ServiceNames.Gateway];

    /// <summary>The service's <c>http</c> endpoint; valid only after <c>StartAsync</c> allocated it.</summary>
    public static Uri HttpEndpointOf(DistributedApplicationModel model, string resourceName) =>
        new(model.Resources.OfType<ProjectResource>().Single(resource => resource.Name == resourceName).GetEndpoint("http").Url);
}
