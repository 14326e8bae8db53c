using Microsoft.Extensions.Options;
using Para.ContainerAuth.Containers;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Docker;
using Para.ContainerAuth.Images;
using Para.ContainerAuth.Jobs;

namespace Para.ContainerAuth;

/// <summary>What the API handlers need, arriving as one <c>[AsParameters]</c> object.</summary>
public sealed class ContainerAuthServices(
    DockerEngine engine,
    JobRunner jobs,
    AuthStatusReader status,
    AccountResolver accounts,
    BaseImageSetup setup,
    BaseImageReauth reauth,
    ImageCatalog catalog,
    ImageAuthentication imageAuthentication,
    CustomImageBuilder builder,
    CleanupWorkflow cleanup,
    ContainerOperations containers,
    ReauthAllOperation reauthAll,
    CredentialVerifier verifier,
    IOptions<ContainerAuthOptions> optionsAccessor)
{
    public DockerEngine Engine { get; } = engine;

    public JobRunner Jobs { get; } = jobs;

    public AuthStatusReader Status { get; } = status;

    public AccountResolver Accounts { get; } = accounts;

    public BaseImageSetup Setup { get; } = setup;

    public BaseImageReauth Reauth { get; } = reauth;

    public ImageCatalog Catalog { get; } = catalog;

    public ImageAuthentication ImageAuthentication { get; } = imageAuthentication;

    public CustomImageBuilder Builder { get; } = builder;

    public CleanupWorkflow Cleanup { get; } = cleanup;

    public ContainerOperations Containers { get; } = containers;

    public ReauthAllOperation ReauthAll { get; } = reauthAll;

    public CredentialVerifier Verifier { get; } = verifier;

    public IOptions<ContainerAuthOptions> OptionsAccessor { get; } = optionsAccessor;

    public ContainerAuthOptions Options => OptionsAccessor.Value;
}
