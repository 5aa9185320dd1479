using System.Runtime.Serialization;

namespace ClusterHost.Tls;

/// <summary>The HTTP versions the public endpoints serve (<c>--protocols</c>).</summary>
internal enum ListenProtocols
{
    /// <summary>HTTP/1.1 and HTTP/2: on https chosen by ALPN; on http HTTP/1.1 only (cleartext cannot negotiate).</summary>
    [EnumMember(Value = "http1and2")]
    Http1And2,

    /// <summary>HTTP/1.1 only.</summary>
    [EnumMember(Value = "http1")]
    Http1,

    /// <summary>HTTP/2 only: on https by ALPN, on http with prior knowledge (h2c).</summary>
    [EnumMember(Value = "http2")]
    Http2,
}
