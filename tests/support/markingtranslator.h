#pragma once

// MarkingTranslator: a translator that "translates" every text into itself between « and ». Installed in
// a test, it shows which user-visible strings pass through tr() (they come out marked) and which do
// not (they come out bare), without a real translation file.

#include <QCoreApplication>
#include <QTranslator>

namespace raftlab::testing {

class MarkingTranslator final : public QTranslator
{
public:
    static constexpr QChar open = QChar(0x00AB); // «
    static constexpr QChar close = QChar(0x00BB); // »

    bool isEmpty() const override { return false; }
    QString translate(const char *context, const char *sourceText, const char *disambiguation = nullptr,
                      int n = -1) const override
    {
        Q_UNUSED(context);
        Q_UNUSED(disambiguation);
        Q_UNUSED(n);
        if (!sourceText || !*sourceText)
            return {};
        return open + QString::fromUtf8(sourceText) + close;
    }
};

// Installs a MarkingTranslator for the life of this object.
class MarkedTranslations final
{
public:
    MarkedTranslations() { QCoreApplication::installTranslator(&m_translator); }
    ~MarkedTranslations() { QCoreApplication::removeTranslator(&m_translator); }
    MarkedTranslations(const MarkedTranslations &) = delete;
    MarkedTranslations &operator=(const MarkedTranslations &) = delete;

private:
    MarkingTranslator m_translator;
};

} // namespace raftlab::testing
