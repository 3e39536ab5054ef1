// The demo's simulated customers: who they are, which number they write to, what they say, and how they answer.

export type Step =
  | { kind: "text"; text: string }
  | { kind: "image"; caption: string; hue: number }
  | { kind: "voice"; seconds: number }
  | { kind: "document"; fileName: string; title: string; lines: string[]; caption?: string };

export interface Customer {
  name: string;
  phone: string;
  /** 0 or 1: which demo number they write to. */
  number: 0 | 1;
  lang: string;
  script: Step[];
  /** What they say when someone answers them. */
  answers: string[];
  /** What the demo colleague replies to each script step (same index; "" = no reply). */
  colleague: string[];
}

const text = (t: string): Step => ({ kind: "text", text: t });

export const CUSTOMERS: Customer[] = [
  {
    name: "Emma Johnson",
    phone: "447700900123",
    number: 0,
    lang: "en",
    script: [
      text("Hi! I ordered a sofa last week, order #4821. Any news on delivery?"),
      { kind: "image", caption: "This is the colour I picked", hue: 210 },
      text("Could it come on Saturday morning?"),
      { kind: "voice", seconds: 3 },
      text("Great, thanks a lot"),
    ],
    answers: ["Thank you!", "Perfect, see you then", "Got it, thanks for the quick answer!"],
    colleague: [
      "Hi Emma! Your sofa leaves our warehouse on Friday.",
      "Lovely choice, that one is in stock.",
      "Saturday 9-12 works, I've booked it for you.",
      "",
      "You're welcome, have a nice day!",
    ],
  },
  {
    name: "Иван Петров",
    phone: "79161234567",
    number: 0,
    lang: "ru",
    script: [
      text("Здравствуйте! Подскажите, пожалуйста, есть ли у вас доставка в Подольск?"),
      text("И сколько это будет стоить для заказа на 12 000 ₽?"),
      {
        kind: "document",
        fileName: "schet-1045.pdf",
        title: "Invoice 1045",
        lines: ["Customer: Ivan Petrov", "Sofa Oslo, grey: 12 000 RUB", "Delivery: Podolsk"],
        caption: "Вот счёт, который мне прислали",
      },
      { kind: "voice", seconds: 4 },
      text("Спасибо, оформляю заказ!"),
    ],
    answers: ["Спасибо!", "Отлично, договорились", "Понял, спасибо за быстрый ответ"],
    colleague: [
      "Здравствуйте, Иван! Да, доставляем в Подольск.",
      "Для заказа от 10 000 ₽ доставка бесплатная.",
      "Спасибо, счёт вижу, всё верно.",
      "",
      "Отлично, ждём вас!",
    ],
  },
  {
    name: "Ayşe Yılmaz",
    phone: "905321234567",
    number: 0,
    lang: "tr",
    script: [
      text("Merhaba, masanın ayağı kırık geldi"),
      { kind: "image", caption: "Fotoğraf burada", hue: 25 },
      text("Değişim mümkün mü?"),
      text("Teşekkürler!"),
    ],
    answers: ["Çok teşekkür ederim!", "Tamam, anlaştık"],
    colleague: [
      "Merhaba Ayşe, çok üzgünüz! Fotoğraf gönderebilir misiniz?",
      "Teşekkürler, yeni ayak bugün kargoya verilecek.",
      "Evet, ücretsiz değişim yapıyoruz.",
    ],
  },
  {
    name: "Carlos Silva",
    phone: "5511987654321",
    number: 0,
    lang: "pt",
    script: [
      text("Olá! Vocês têm a cadeira Lisboa em azul?"),
      { kind: "voice", seconds: 2 },
      text("Quanto tempo leva a entrega para Campinas?"),
    ],
    answers: ["Obrigado!", "Perfeito"],
    colleague: ["Olá Carlos! Temos sim, 4 unidades em estoque.", "", "A entrega para Campinas leva 3 dias úteis."],
  },
  {
    name: "Lucía García",
    phone: "34612345678",
    number: 1,
    lang: "es",
    script: [
      text("Hola, quería reservar una mesa para 6 personas el viernes a las 21:00"),
      text("¿Tenéis menú vegetariano?"),
      { kind: "image", caption: "¿Podemos sentarnos en la terraza, como en esta foto?", hue: 140 },
      text("¡Genial, muchas gracias!"),
    ],
    answers: ["¡Gracias!", "Perfecto, nos vemos el viernes"],
    colleague: [
      "¡Hola Lucía! Reservado: viernes 21:00, 6 personas.",
      "Sí, tenemos tres platos vegetarianos.",
      "La terraza está reservada para vosotros.",
    ],
  },
  {
    name: "Jonas Müller",
    phone: "4915112345678",
    number: 1,
    lang: "de",
    script: [
      text("Guten Tag, ich habe meine Rechnung verloren. Können Sie sie mir noch einmal schicken?"),
      {
        kind: "document",
        fileName: "Bestellung-7731.pdf",
        title: "Order 7731",
        lines: ["Jonas Mueller", "2x Chair Berlin", "Total: 189.00 EUR"],
        caption: "Das ist meine Bestellung",
      },
      text("Vielen Dank!"),
    ],
    answers: ["Danke schön!", "Super, danke"],
    colleague: [
      "Guten Tag Herr Müller, welche Bestellnummer ist es?",
      "Danke, die Rechnung ist unterwegs.",
      "Gern geschehen!",
    ],
  },
  {
    name: "Marie Dubois",
    phone: "33612345678",
    number: 1,
    lang: "fr",
    script: [
      text("Bonjour ! Est-ce que la commande 5520 est bien partie ?"),
      { kind: "voice", seconds: 3 },
      text("Merci beaucoup, bonne journée !"),
    ],
    answers: ["Merci !", "Parfait"],
    colleague: ["Bonjour Marie ! Oui, elle est partie ce matin.", "", "Bonne journée à vous aussi !"],
  },
  {
    name: "Ольга Смирнова",
    phone: "79031112233",
    number: 1,
    lang: "ru",
    script: [
      text("Добрый вечер! Можно перенести бронь с субботы на воскресенье?"),
      { kind: "image", caption: "Вот подтверждение брони", hue: 290 },
      text("Спасибо большое!"),
    ],
    answers: ["Спасибо!", "Хорошо, договорились"],
    colleague: ["Добрый вечер, Ольга! Да, конечно.", "Перенесли на воскресенье, 19:00.", "Будем рады вас видеть!"],
  },
];
