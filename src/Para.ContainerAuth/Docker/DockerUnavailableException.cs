namespace Para.ContainerAuth.Docker;

/// <summary>The engine cannot be reached or does not work; the message is the one-line cause.</summary>
public sealed class DockerUnavailableException(string message, Exception? innerException = null)
    : Exception(message, innerException);

/// <summary>The engine answered, but refused the request (missing image, bad Dockerfile, ...).</summary>
public sealed class DockerOperationException(string message, Exception? innerException = null)
    : Exception(message, innerException);
