#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "intents/classifier.h"
#include "intents/test_util.h"

namespace connecthub::intents {
namespace {

using testing::Shared;

// Synthetic questions a parent might write (how much do I owe, when is my appointment, ...).
const std::vector<std::pair<std::string, std::string>> kForeign = {
    {"vi", "Tôi nợ bao nhiêu tiền"},
    {"vi", "Khi nào tôi nhận được tiền cấp dưỡng con?"},
    {"vi", "toi no bao nhieu tien"},  // typed without its accents
    {"zh", "我欠多少钱"},
    {"zh", "我的子女抚养费什么时候到账？"},
    {"tl", "Magkano ang utang ko?"},
    {"tl", "Kailan po ang susunod kong appointment"},
    {"ko", "제가 얼마를 빚지고 있나요?"},
    {"ru", "Сколько я должен по алиментам?"},
    {"uk", "Скільки я винен за аліменти?"},
    {"hy", "Որքա՞ն եմ պարտք ալիմենտի համար"},
    {"fa", "چقدر بدهی نفقه دارم؟"},
    {"fa", "پرداخت من کی می رسد"},
    {"ar", "كم علي من نفقة الأطفال؟"},
    {"ja", "養育費はいくら払えばいいですか"},
    {"pa", "ਮੈਂ ਕਿੰਨਾ ਦੇਣਾ ਹੈ"},
};

TEST_CASE("text in neither English nor Spanish names its language and gets no intent",
          "[intents][other]") {
  const Classifier& c = Shared();
  for (const auto& [code, text] : kForeign) {
    INFO(text);
    CHECK(OtherLanguage(text) == code);
    for (std::optional<Lang> conversation : {std::optional<Lang>(), std::optional(Lang::kEs)}) {
      Classification r = c.Classify(text, conversation);
      CHECK(r.other_lang == code);
      CHECK(r.intent == Intent::kUnknown);
      CHECK_FALSE(r.out_of_scope);
      // The conversation's language does not move: the notice comes in English and Spanish too.
      CHECK(r.lang == conversation.value_or(Lang::kEn));
    }
  }
}

TEST_CASE("Vietnamese no longer reads as a Spanish goodbye", "[intents][other][es]") {
  Classification r = Shared().Classify("Tôi nợ bao nhiêu tiền", std::nullopt);
  CHECK(r.intent == Intent::kUnknown);
  CHECK(r.other_lang == "vi");
  CHECK(r.lang == Lang::kEn);
}

TEST_CASE("English or Spanish with one foreign word is not affected", "[intents][other][en][es]") {
  const Classifier& c = Shared();
  struct Case {
    const char* text;
    Intent intent;
    Lang lang;
  };
  for (const Case& t : {
           Case{"what is my balance, cảm ơn", Intent::kBalance, Lang::kEn},
           Case{"how much do I owe 谢谢", Intent::kBalance, Lang::kEn},
           Case{"cuánto debo de manutención, salamat", Intent::kBalance, Lang::kEs},
           Case{"cuándo es mi cita спасибо", Intent::kNextAppointment, Lang::kEs},
           Case{"when is my next appointment po", Intent::kNextAppointment, Lang::kEn},
           Case{"my ex moved to Hà Nội, what is my balance", Intent::kBalance, Lang::kEn},
           Case{"cuánto debo, mi café está frío", Intent::kBalance, Lang::kEs},
       }) {
    INFO(t.text);
    CHECK(OtherLanguage(t.text).empty());
    Classification r = c.Classify(t.text, std::nullopt);
    CHECK(r.other_lang.empty());
    CHECK(r.intent == t.intent);
    CHECK(r.lang == t.lang);
  }
  // Plain English and Spanish, accents and all, and text with no words.
  for (const char* text : {"hola, ¿cuándo me llega el pago de mi niña?", "ya pagué",
                           "señora, ¿qué documentos necesito?", "ok", "", "100000001", "👍 ?", "sa",
                           "thank you so much!!"}) {
    INFO(text);
    CHECK(OtherLanguage(text).empty());
  }
}

TEST_CASE("other-language detection survives garbage and decomposed accents", "[intents][other]") {
  // "ơ" typed as o + combining horn, "ợ" as o + horn + dot below: still Vietnamese.
  CHECK(OtherLanguage("T\xC3\xB4i n\x6F\xCC\x9B\xCC\xA3 bao nhi\xC3\xAAu ti\xE1\xBB\x81n") == "vi");
  std::string garbage = "\xFF\xFE\xC3(\xE2\x82 \xF0\x9F";
  CHECK(OtherLanguage(garbage).empty());
  CHECK(Shared().Classify(garbage, std::nullopt).other_lang.empty());
  std::string long_text;
  for (int i = 0; i < 2000; ++i) long_text += "我";
  CHECK(OtherLanguage(long_text) == "zh");
}

TEST_CASE("the other languages come from data", "[intents][other]") {
  std::vector<std::string> codes = OtherLanguageCodes();
  for (const char* code : {"vi", "zh", "tl", "ko", "ru", "hy", "fa", "ar"}) {
    INFO(code);
    CHECK(std::find(codes.begin(), codes.end(), code) != codes.end());
  }
  CHECK(std::find(codes.begin(), codes.end(), "en") == codes.end());
  CHECK(std::find(codes.begin(), codes.end(), "es") == codes.end());
}

}  // namespace
}  // namespace connecthub::intents
