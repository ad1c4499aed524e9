<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="fr_FR">
<context>
    <name>BookingWindow</name>
    <message>
        <location filename="../booking_view.py" line="53" />
        <source>Book a helpdesk appointment</source>
        <translation>Prendre rendez-vous avec le support</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="54" />
        <source>Pick a time; the helpdesk will call you or meet you there.</source>
        <translation>Choisissez un horaire ; le support vous appellera ou vous recevra.</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="55" />
        <source>Free slots</source>
        <translation>Créneaux libres</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="56" />
        <source>How can we reach you? (phone or e-mail)</source>
        <translation>Comment vous joindre ? (téléphone ou e-mail)</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="57" />
        <source>Contact</source>
        <translation>Contact</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="58" />
        <source>What is it about?</source>
        <translation>De quoi s'agit-il ?</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="59" />
        <source>Topic</source>
        <translation>Sujet</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="60" />
        <source>&amp;Book</source>
        <translation>&amp;Réserver</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="61" />
        <source>Add to &amp;calendar</source>
        <translation>Ajouter au &amp;calendrier</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="62" />
        <source>Ca&amp;ncel the appointment</source>
        <translation>A&amp;nnuler le rendez-vous</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="74" />
        <source>Appointments are not available on this computer.</source>
        <translation>Les rendez-vous ne sont pas disponibles sur cet ordinateur.</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="76" />
        <source>Loading free slots…</source>
        <translation>Chargement des créneaux libres…</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="87" />
        <source>No free slot at the moment.</source>
        <translation>Aucun créneau libre pour le moment.</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="106" />
        <source>Booked for %s.</source>
        <translation>Réservé pour le %s.</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="117" />
        <source>Helpdesk appointment</source>
        <translation>Rendez-vous avec le support</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="128" />
        <source>Appointment cancelled.</source>
        <translation>Rendez-vous annulé.</translation>
    </message>
</context>
<context>
    <name>ChatWindow</name>
    <message>
        <location filename="../chat.py" line="121" />
        <source>Ask IT — Helpdesk Assistant</source>
        <translation>Demander à l'informatique — Assistant support</translation>
    </message>
    <message>
        <location filename="../chat.py" line="122" />
        <source>Describe your problem in your own words…</source>
        <translation>Décrivez votre problème avec vos mots…</translation>
    </message>
    <message>
        <location filename="../chat.py" line="123" />
        <source>Your question</source>
        <translation>Votre question</translation>
    </message>
    <message>
        <location filename="../chat.py" line="124" />
        <source>&amp;Ask</source>
        <translation>&amp;Demander</translation>
    </message>
    <message>
        <location filename="../chat.py" line="125" />
        <source>Answer</source>
        <translation>Réponse</translation>
    </message>
    <message>
        <location filename="../chat.py" line="126" />
        <source>Did you mean:</source>
        <translation>Vouliez-vous dire :</translation>
    </message>
    <message>
        <location filename="../chat.py" line="127" />
        <source>&amp;Start the guided steps</source>
        <translation>&amp;Commencer le pas-à-pas</translation>
    </message>
    <message>
        <location filename="../chat.py" line="128" />
        <source>Was this helpful?</source>
        <translation>Est-ce que cela vous a aidé ?</translation>
    </message>
    <message>
        <location filename="../chat.py" line="129" />
        <source>&amp;Yes</source>
        <translation>&amp;Oui</translation>
    </message>
    <message>
        <location filename="../chat.py" line="130" />
        <source>&amp;No</source>
        <translation>&amp;Non</translation>
    </message>
    <message>
        <location filename="../chat.py" line="131" />
        <source>Yes, this was helpful</source>
        <translation>Oui, cela m'a aidé</translation>
    </message>
    <message>
        <location filename="../chat.py" line="132" />
        <source>No, this did not help</source>
        <translation>Non, cela ne m'a pas aidé</translation>
    </message>
    <message>
        <location filename="../chat.py" line="133" />
        <source>Open a &amp;ticket</source>
        <translation>Ouvrir un &amp;ticket</translation>
    </message>
    <message>
        <location filename="../chat.py" line="134" />
        <source>I'm a&amp;ffected too</source>
        <translation>Je suis aussi &amp;concerné</translation>
    </message>
    <message>
        <location filename="../chat.py" line="135" />
        <source>You are offline. Answers and guided steps still work; tickets wait on this computer and are sent when you are back online.</source>
        <translation>Vous êtes hors ligne. Les réponses et le pas-à-pas fonctionnent ; les tickets attendent sur cet ordinateur et partiront au retour de la connexion.</translation>
    </message>
    <message>
        <location filename="../chat.py" line="149" />
        <source>Getting ready…</source>
        <translation>Préparation…</translation>
    </message>
    <message>
        <location filename="../chat.py" line="151" />
        <source>Type your IT question: answers appear as you type.</source>
        <translation>Posez votre question informatique : les réponses s'affichent pendant la saisie.</translation>
    </message>
    <message>
        <location filename="../chat.py" line="155" />
        <source>The knowledge base cannot be opened: %s</source>
        <translation>La base de connaissances ne peut pas être ouverte : %s</translation>
    </message>
    <message>
        <location filename="../chat.py" line="188" />
        <source>Sorry, something went wrong: %s</source>
        <translation>Désolé, une erreur s'est produite : %s</translation>
    </message>
    <message>
        <location filename="../chat.py" line="207" />
        <source>I can walk you through this step by step.</source>
        <translation>Je peux vous guider pas à pas.</translation>
    </message>
    <message>
        <location filename="../chat.py" line="280" />
        <source>Glad it helped!</source>
        <translation>Ravi d'avoir pu aider !</translation>
    </message>
    <message>
        <location filename="../chat.py" line="282" />
        <source>Sorry. Try other words, or open a ticket: the helpdesk will see what you already tried.</source>
        <translation>Désolé. Essayez d'autres mots, ou ouvrez un ticket : le support verra ce que vous avez déjà essayé.</translation>
    </message>
    <message>
        <location filename="../chat.py" line="295" />
        <source>Announcement: %s</source>
        <translation>Annonce : %s</translation>
    </message>
    <message>
        <location filename="../chat.py" line="306" />
        <source>Thanks, we counted you</source>
        <translation>Merci, c'est noté</translation>
    </message>
</context>
<context>
    <name>DonePage</name>
    <message>
        <location filename="../form.py" line="291" />
        <source>Ask &amp;another question</source>
        <translation>Poser une &amp;autre question</translation>
    </message>
    <message>
        <location filename="../form.py" line="300" />
        <source>Ticket %s created. The helpdesk will get back to you; follow it in My tickets.</source>
        <translation>Ticket %s créé. Le support vous répondra ; suivez-le dans Mes tickets.</translation>
    </message>
    <message>
        <location filename="../form.py" line="303" />
        <source>Ticket saved — queued, will be sent as soon as the helpdesk can be reached.</source>
        <translation>Ticket enregistré — en attente, il sera envoyé dès que le support sera joignable.</translation>
    </message>
    <message>
        <location filename="../form.py" line="305" />
        <source>The helpdesk refused the ticket: %s</source>
        <translation>Le support a refusé le ticket : %s</translation>
    </message>
    <message>
        <location filename="../form.py" line="309" />
        <source>The ticket could not be filed: %s</source>
        <translation>Le ticket n'a pas pu être créé : %s</translation>
    </message>
</context>
<context>
    <name>FallbackWindow</name>
    <message>
        <location filename="../fallback.py" line="35" />
        <source>Helpdesk Assistant</source>
        <translation>Assistant support</translation>
    </message>
    <message>
        <location filename="../fallback.py" line="36" />
        <source>This desktop has no system tray, so Helpdesk Assistant runs in this window instead. Closing it quits the assistant.</source>
        <translation>Ce bureau n'a pas de zone de notification : l'Assistant support s'ouvre donc dans cette fenêtre. La fermer quitte l'assistant.</translation>
    </message>
    <message>
        <location filename="../fallback.py" line="40" />
        <source>The knowledge base cannot be opened: %s</source>
        <translation>La base de connaissances ne peut pas être ouverte : %s</translation>
    </message>
    <message>
        <location filename="../fallback.py" line="42" />
        <source>You are offline: answers still work, tickets will wait.</source>
        <translation>Vous êtes hors ligne : les réponses fonctionnent, les tickets attendront.</translation>
    </message>
    <message numerus="yes">
        <location filename="../fallback.py" line="44" />
        <source>%n ticket update(s)</source>
        <translation><numerusform>%n mise à jour de ticket</numerusform><numerusform>%n mises à jour de tickets</numerusform></translation>
    </message>
    <message>
        <location filename="../fallback.py" line="47" />
        <source>&amp;Ask IT…</source>
        <translation>&amp;Demander à l'informatique…</translation>
    </message>
    <message>
        <location filename="../fallback.py" line="48" />
        <source>&amp;My tickets</source>
        <translation>&amp;Mes tickets</translation>
    </message>
    <message>
        <location filename="../fallback.py" line="49" />
        <source>&amp;Settings…</source>
        <translation>&amp;Paramètres…</translation>
    </message>
    <message>
        <location filename="../fallback.py" line="50" />
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
</context>
<context>
    <name>FileField</name>
    <message>
        <location filename="../form.py" line="32" />
        <source>Choose…</source>
        <translation>Choisir…</translation>
    </message>
    <message>
        <location filename="../form.py" line="39" />
        <source>Take a screenshot</source>
        <translation>Faire une capture d'écran</translation>
    </message>
    <message>
        <location filename="../form.py" line="44" />
        <source>Attach a file</source>
        <translation>Joindre un fichier</translation>
    </message>
</context>
<context>
    <name>FormPage</name>
    <message>
        <location filename="../form.py" line="85" />
        <source>&amp;Review and send…</source>
        <translation>&amp;Vérifier et envoyer…</translation>
    </message>
    <message>
        <location filename="../form.py" line="86" />
        <source>&amp;Cancel</source>
        <translation>&amp;Annuler</translation>
    </message>
    <message>
        <location filename="../form.py" line="95" />
        <source>Subject (one line)</source>
        <translation>Objet (une ligne)</translation>
    </message>
    <message>
        <location filename="../form.py" line="96" />
        <source>What happened?</source>
        <translation>Que s'est-il passé ?</translation>
    </message>
    <message>
        <location filename="../form.py" line="97" />
        <source>Screenshot or file (optional)</source>
        <translation>Capture d'écran ou fichier (facultatif)</translation>
    </message>
    <message>
        <location filename="../form.py" line="104" />
        <source>Tell the helpdesk what is wrong. You will see everything before it is sent.</source>
        <translation>Expliquez au support ce qui ne va pas. Vous verrez tout avant l'envoi.</translation>
    </message>
    <message>
        <location filename="../form.py" line="180" />
        <source>Required</source>
        <translation>Obligatoire</translation>
    </message>
    <message>
        <location filename="../form.py" line="180" />
        <source>File not found</source>
        <translation>Fichier introuvable</translation>
    </message>
    <message>
        <location filename="../form.py" line="181" />
        <source>Too long</source>
        <translation>Trop long</translation>
    </message>
</context>
<context>
    <name>SettingsWindow</name>
    <message>
        <location filename="../settings_view.py" line="61" />
        <source>Settings — Helpdesk Assistant</source>
        <translation>Paramètres — Assistant support</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="62" />
        <source>Helpdesk account (ITSM)</source>
        <translation>Compte du support (ITSM)</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="63" />
        <source>&amp;User name:</source>
        <translation>&amp;Nom d'utilisateur :</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="64" />
        <source>&amp;Password or token:</source>
        <translation>&amp;Mot de passe ou jeton :</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="65" />
        <source>&amp;Log in</source>
        <translation>Se &amp;connecter</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="66" />
        <source>User name</source>
        <translation>Nom d'utilisateur</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="67" />
        <source>Password or token</source>
        <translation>Mot de passe ou jeton</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="68" />
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="69" />
        <source>Share anonymous usage &amp;statistics</source>
        <translation>Partager des &amp;statistiques d'utilisation anonymes</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="70" />
        <source>&amp;Language:</source>
        <translation>&amp;Langue :</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="71" />
        <source>Start at &amp;login</source>
        <translation>Lancer à l'&amp;ouverture de session</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="72" />
        <source>&amp;Close</source>
        <translation>&amp;Fermer</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="76" />
        <source>System language</source>
        <translation>Langue du système</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="95" />
        <source>No ITSM is configured on this computer; ask IT.</source>
        <translation>Aucun outil de tickets n'est configuré sur cet ordinateur ; contactez l'informatique.</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="99" />
        <source>Your organisation has turned statistics off.</source>
        <translation>Votre organisation a désactivé les statistiques.</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="110" />
        <source>Checking…</source>
        <translation>Vérification…</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="115" />
        <source>Logged in; the password is kept in the system keyring.</source>
        <translation>Connecté ; le mot de passe est conservé dans le trousseau du système.</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="120" />
        <source>Login failed: %s</source>
        <translation>Échec de la connexion : %s</translation>
    </message>
</context>
<context>
    <name>SummaryPage</name>
    <message>
        <location filename="../form.py" line="228" />
        <source>&amp;Send to the helpdesk</source>
        <translation>&amp;Envoyer au support</translation>
    </message>
    <message>
        <location filename="../form.py" line="229" />
        <source>← &amp;Edit</source>
        <translation>← &amp;Modifier</translation>
    </message>
    <message>
        <location filename="../form.py" line="230" />
        <source>Details about this computer sent with the ticket (untick what you do not want to share):</source>
        <translation>Informations sur cet ordinateur envoyées avec le ticket (décochez ce que vous ne voulez pas partager) :</translation>
    </message>
    <message>
        <location filename="../form.py" line="232" />
        <source>Ticket summary</source>
        <translation>Résumé du ticket</translation>
    </message>
    <message>
        <location filename="../form.py" line="243" />
        <source>**Attached:** %s</source>
        <translation>**Pièces jointes :** %s</translation>
    </message>
    <message>
        <location filename="../form.py" line="245" />
        <source>**What you already tried:**</source>
        <translation>**Ce que vous avez déjà essayé :**</translation>
    </message>
</context>
<context>
    <name>TicketsWindow</name>
    <message>
        <location filename="../tickets_view.py" line="54" />
        <source>My tickets — Helpdesk Assistant</source>
        <translation>Mes tickets — Assistant support</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="55" />
        <source>Number</source>
        <translation>Numéro</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="55" />
        <source>Subject</source>
        <translation>Objet</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="55" />
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="56" />
        <source>Last update</source>
        <translation>Dernière mise à jour</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="57" />
        <source>Your tickets</source>
        <translation>Vos tickets</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="58" />
        <source>Reply to the selected ticket…</source>
        <translation>Répondre au ticket sélectionné…</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="59" />
        <source>Reply</source>
        <translation>Réponse</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="60" />
        <source>Send &amp;reply</source>
        <translation>Envoyer la &amp;réponse</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="61" />
        <source>Re&amp;fresh</source>
        <translation>Actua&amp;liser</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="62" />
        <source>No tickets yet. Ask IT from the tray; if the answer does not help, you can open a ticket from there.</source>
        <translation>Aucun ticket pour l'instant. Posez votre question depuis la barre des tâches ; si la réponse ne suffit pas, vous pourrez ouvrir un ticket.</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="76" />
        <source>queued — will be sent</source>
        <translation>en attente — sera envoyé</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="76" />
        <source>refused</source>
        <translation>refusé</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="77" />
        <source>new</source>
        <translation>nouveau</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="77" />
        <source>in progress</source>
        <translation>en cours</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="77" />
        <source>waiting</source>
        <translation>en attente</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="78" />
        <source>resolved</source>
        <translation>résolu</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="78" />
        <source>closed</source>
        <translation>fermé</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="79" />
        <source>rejected</source>
        <translation>rejeté</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="100" />
        <source>The helpdesk cannot be reached right now: %s. Queued tickets will be sent later.</source>
        <translation>Le support est injoignable pour le moment : %s. Les tickets en attente seront envoyés plus tard.</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="112" />
        <source>Reply sent.</source>
        <translation>Réponse envoyée.</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <location filename="../tray.py" line="26" />
        <source>Ask IT…</source>
        <translation>Demander à l'informatique…</translation>
    </message>
    <message numerus="yes">
        <location filename="../tray.py" line="28" />
        <source>My tickets (%n new)</source>
        <translation><numerusform>Mes tickets (%n nouveau)</numerusform><numerusform>Mes tickets (%n nouveaux)</numerusform></translation>
    </message>
    <message>
        <location filename="../tray.py" line="28" />
        <source>My tickets</source>
        <translation>Mes tickets</translation>
    </message>
    <message>
        <location filename="../tray.py" line="31" />
        <source>Book a helpdesk appointment…</source>
        <translation>Prendre rendez-vous avec le support…</translation>
    </message>
    <message>
        <location filename="../tray.py" line="35" />
        <source>Settings…</source>
        <translation>Paramètres…</translation>
    </message>
    <message>
        <location filename="../tray.py" line="36" />
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
    <message>
        <location filename="../tray.py" line="49" />
        <source>Helpdesk Assistant</source>
        <translation>Assistant support</translation>
    </message>
    <message numerus="yes">
        <location filename="../tray.py" line="51" />
        <source>%n ticket update(s)</source>
        <translation><numerusform>%n mise à jour de ticket</numerusform><numerusform>%n mises à jour de tickets</numerusform></translation>
    </message>
    <message>
        <location filename="../tray.py" line="53" />
        <source>offline</source>
        <translation>hors ligne</translation>
    </message>
    <message>
        <location filename="../tray.py" line="57" />
        <source>Ticket updated</source>
        <translation>Ticket mis à jour</translation>
    </message>
</context>
<context>
    <name>TreePage</name>
    <message>
        <location filename="../tree_view.py" line="58" />
        <source>It &amp;works now</source>
        <translation>Ça &amp;marche maintenant</translation>
    </message>
    <message>
        <location filename="../tree_view.py" line="59" />
        <source>S&amp;till not working</source>
        <translation>&amp;Toujours en panne</translation>
    </message>
    <message>
        <location filename="../tree_view.py" line="60" />
        <source>← &amp;Back</source>
        <translation>← &amp;Retour</translation>
    </message>
    <message>
        <location filename="../tree_view.py" line="61" />
        <source>Back to the previous step</source>
        <translation>Revenir à l'étape précédente</translation>
    </message>
    <message>
        <location filename="../tree_view.py" line="62" />
        <source>Open a &amp;ticket</source>
        <translation>Ouvrir un &amp;ticket</translation>
    </message>
    <message>
        <location filename="../tree_view.py" line="63" />
        <source>Step</source>
        <translation>Étape</translation>
    </message>
    <message>
        <location filename="../tree_view.py" line="74" />
        <source>This step cannot be shown: %s</source>
        <translation>Cette étape ne peut pas être affichée : %s</translation>
    </message>
    <message>
        <location filename="../tree_view.py" line="125" />
        <source>Checking…</source>
        <translation>Vérification…</translation>
    </message>
    <message>
        <location filename="../tree_view.py" line="136" />
        <source>Glad it is fixed!</source>
        <translation>Content que ce soit réglé !</translation>
    </message>
    <message>
        <location filename="../tree_view.py" line="138" />
        <source>Sorry this did not solve it. Open a ticket and the helpdesk will see the steps you already tried.</source>
        <translation>Désolé, cela n'a pas suffi. Ouvrez un ticket : le support verra les étapes déjà essayées.</translation>
    </message>
</context>
</TS>