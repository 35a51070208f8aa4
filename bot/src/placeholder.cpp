// TEMPORARY: removed when bot.cpp lands.
namespace connecthub::bot {
int kPlaceholder = 0;
}
