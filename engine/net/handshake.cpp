#include "handshake.h"

#include <QCborMap>
#include <QCborValue>
#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QtEndian>

namespace raftlab {

QByteArray newChallengeNonce()
{
    QByteArray nonce(challengeNonceBytes, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(nonce.data()),
                                          challengeNonceBytes / qsizetype(sizeof(quint32)));
    return nonce;
}

QByteArray encodeChallenge(const QByteArray &nonce)
{
    QCborMap map;
    map[QStringLiteral("challenge")] = QStringLiteral("raftlab");
    map[QStringLiteral("version")] = 1;
    map[QStringLiteral("nonce")] = nonce;
    return map.toCborValue().toCbor();
}

QString decodeChallenge(const QByteArray &bytes, QByteArray &nonce)
{
    QCborParserError error;
    const QCborValue value = QCborValue::fromCbor(bytes, &error);
    if (error.error != QCborError::NoError || !value.isMap() ||
        value.toMap().value(QStringLiteral("challenge")).toString() != QLatin1String("raftlab"))
        return QStringLiteral("the first frame is not a RaftLab challenge");
    const QCborMap map = value.toMap();
    if (map.value(QStringLiteral("version")).toInteger() != 1)
        return QStringLiteral("unsupported challenge version %1")
            .arg(map.value(QStringLiteral("version")).toInteger());
    const QCborValue received = map.value(QStringLiteral("nonce"));
    if (!received.isByteArray() || received.toByteArray().size() != challengeNonceBytes)
        return QStringLiteral("the challenge holds no %1-byte nonce").arg(challengeNonceBytes);
    nonce = received.toByteArray();
    return QString();
}

QByteArray helloProof(const QByteArray &secret, const QByteArray &nonce, const Hello &hello)
{
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, secret);
    mac.addData(nonce);
    char ids[8];
    qToBigEndian<quint32>(hello.from.value, ids);
    qToBigEndian<quint32>(hello.to.value, ids + 4);
    mac.addData(ids, sizeof ids);
    mac.addData(hello.cluster.toUtf8());
    return mac.result();
}

bool proofMatches(const QByteArray &expected, const QByteArray &received)
{
    if (expected.size() != received.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < expected.size(); ++i)
        difference |= static_cast<unsigned char>(expected[i] ^ received[i]);
    return difference == 0;
}

} // namespace raftlab
