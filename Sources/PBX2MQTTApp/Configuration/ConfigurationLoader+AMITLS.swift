import AMI
import Foundation

/// Reading the AMI TLS keys: `ami.tls` turns TLS on; the file keys only make sense with it.
extension ConfigurationLoader {
    static func readAMITLS(_ settings: inout SettingsReader) -> AppConfiguration.AMI.TLS? {
        let enabled = settings.bool(.amiTLS)
        let caFile = settings.string(.amiTLSCaFile)
        let certFile = settings.string(.amiTLSCertFile)
        let keyFile = settings.string(.amiTLSKeyFile)
        let verifyHostname = settings.bool(.amiTLSVerifyHostname)
        let files: [(ConfigurationKey, String?)] = [
            (.amiTLSCaFile, caFile), (.amiTLSCertFile, certFile), (.amiTLSKeyFile, keyFile),
        ]
        guard enabled else {
            // A CA file without `ami.tls: true` would silently leave AMI in clear text.
            if let (key, _) = files.first(where: { $0.1 != nil }) {
                settings.record(
                    .invalidValue(
                        key: ConfigurationKey.amiTLS.yamlPath, value: "false",
                        reason: "while \(key.yamlPath) is set: set ami.tls to true (and ami.port to Asterisk's "
                            + "tlsbindport) or remove the TLS keys"))
            }
            return nil
        }
        var readable = true
        for (key, path) in files {
            guard let path else { continue }
            do {
                try BoundedFile.check(path, limit: BoundedFile.configurationLimit)
            } catch {
                settings.record(.unreadableFile(key: key.yamlPath, path: path, reason: error.reason))
                readable = false
            }
        }
        if (certFile == nil) != (keyFile == nil) {
            let missing = certFile == nil ? ConfigurationKey.amiTLSCertFile : .amiTLSKeyFile
            settings.record(
                .missing(key: missing.yamlPath, hint: "a client certificate needs both tlsCertFile and tlsKeyFile"))
            readable = false
        }
        let tls = AppConfiguration.AMI.TLS(
            caFile: caFile, certFile: certFile, keyFile: keyFile, verifyHostname: verifyHostname)
        if readable {
            // Parse the PEM files now, so check-config catches a key that is not a key.
            do {
                try tls.clientConfiguration.validate()
            } catch {
                settings.record(.invalidTLSFiles(key: ConfigurationKey.amiTLS.yamlPath, reason: "\(error)"))
            }
        }
        return tls
    }
}

extension AppConfiguration.AMI.TLS {
    /// The AMI client's TLS settings.
    var clientConfiguration: AMITLSConfiguration {
        AMITLSConfiguration(
            caFile: self.caFile, certFile: self.certFile, keyFile: self.keyFile, verifyHostname: self.verifyHostname)
    }
}
