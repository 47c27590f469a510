namespace ConntrackWatch.Kernel.Breakdown;

/// <summary>A destination: address, protocol and port, as "10.0.0.5:53/udp".</summary>
internal readonly record struct ConntrackEndpoint(ConntrackAddress Address, byte Protocol, ushort Port)
{
    public override string ToString()
    {
        string address = Address.IsV6 ? $"[{Address}]" : Address.ToString();
        return Port != 0 ? $"{address}:{Port}/{Protocols.Name(Protocol)}" : $"{address}/{Protocols.Name(Protocol)}";
    }
}
